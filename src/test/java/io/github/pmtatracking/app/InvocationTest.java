package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvocationTest {

    @Test
    void anAppWithItsFlagsBecomesSettingsKeys() throws Exception {
        Invocation i = Invocation.parse(List.of("acct_etl", "-infile", "example.csv", "-logfile=acct_etl.log"));
        assertEquals(List.of(App.ACCT_ETL), i.apps());
        assertEquals(Map.of("acct_etl.infile", "example.csv", "acct_etl.logfile", "acct_etl.log"), i.flags());
    }

    @Test
    void linktoolTakesTheRestOfTheLine() throws Exception {
        Invocation i = Invocation.parse(List.of("linktool", "decode", "http://x/abc"));
        assertEquals(List.of(App.LINKTOOL), i.apps());
        assertEquals(List.of("decode", "http://x/abc"), i.rest());
    }

    @Test
    void noAppMeansTheLongRunningServices() throws Exception {
        assertEquals(App.services(), Invocation.parse(List.of()).apps());
    }

    @Test
    void mistakesAreUsageErrorsAndHelpIsNot() {
        Invocation.UsageException unknown = assertThrows(Invocation.UsageException.class, () -> Invocation.parse(List.of("nope")));
        assertFalse(unknown.help());
        assertTrue(unknown.getMessage().startsWith("unknown app 'nope'"));
        Invocation.UsageException badFlag = assertThrows(Invocation.UsageException.class,
                () -> Invocation.parse(List.of("acct_etl", "-bogus")));
        assertTrue(badFlag.getMessage().startsWith("flag provided but not defined: -bogus"));
        Invocation.UsageException help = assertThrows(Invocation.UsageException.class, () -> Invocation.parse(List.of("acct_etl", "-h")));
        assertTrue(help.help());
        assertTrue(help.getMessage().contains("Usage of acct_etl:"), help.getMessage());
        assertTrue(help.getMessage().contains("-infile string"), help.getMessage());
    }

    @Test
    void acctEtlRunsAlone() {
        assertThrows(Invocation.UsageException.class, () -> Invocation.parse(List.of("acct_etl", "acct_etl")));
    }
}
