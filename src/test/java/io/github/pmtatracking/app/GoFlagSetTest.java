package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoFlagSetTest {

    private GoFlagSet flags() {
        return new GoFlagSet("wrapper", "An SMTP proxy")
                .string("in_hostport", "localhost:587", "Port number to serve incoming SMTP requests")
                .bool("verbose", false, "print out lots of messages")
                .bool("track_open", true, "Track opens")
                .integer("max", 5, "a number");
    }

    @Test
    void acceptsEveryFormGoAccepts() throws Exception {
        GoFlagSet.Parsed p = flags().parse(List.of("-in_hostport", ":5587", "--max=7", "-verbose", "-track_open=false"));
        assertEquals(Map.of("in_hostport", ":5587", "max", "7", "verbose", "true", "track_open", "false"), p.given());
        assertEquals(List.of(), p.rest());
        assertEquals(Map.of("in_hostport", "a=b"), flags().parse(List.of("-in_hostport=a=b")).given());
    }

    @Test
    void stopsAtTheFirstNonFlagOrAfterDoubleDash() throws Exception {
        assertEquals(List.of("feeder", "-verbose"), flags().parse(List.of("-verbose", "feeder", "-verbose")).rest());
        assertEquals(List.of("-x"), flags().parse(List.of("--", "-x")).rest());
    }

    @Test
    void aBooleanDoesNotTakeTheNextArgument() throws Exception {
        GoFlagSet.Parsed p = flags().parse(List.of("-verbose", "false"));
        assertEquals("true", p.given().get("verbose"));
        assertEquals(List.of("false"), p.rest());
    }

    @Test
    void errorsAreWordedAsGoWordsThem() {
        assertEquals("flag provided but not defined: -nope",
                assertThrows(GoFlagSet.FlagException.class, () -> flags().parse(List.of("-nope"))).getMessage());
        assertEquals("flag needs an argument: -in_hostport",
                assertThrows(GoFlagSet.FlagException.class, () -> flags().parse(List.of("-in_hostport"))).getMessage());
        assertThrows(GoFlagSet.FlagException.class, () -> flags().parse(List.of("-verbose=maybe")));
        assertThrows(GoFlagSet.FlagException.class, () -> flags().parse(List.of("-max=x")));
        assertThrows(GoFlagSet.HelpRequested.class, () -> flags().parse(List.of("-h")));
        assertThrows(GoFlagSet.HelpRequested.class, () -> flags().parse(List.of("--help")));
    }

    @Test
    void usageListsFlagsWithTheirDefaultsAsGoPrintDefaultsDoes() {
        String usage = flags().usage();
        assertTrue(usage.contains("Usage of wrapper:\n"), usage);
        assertTrue(usage.contains("  -in_hostport string\n    \tPort number to serve incoming SMTP requests (default \"localhost:587\")\n"), usage);
        assertTrue(usage.contains("  -verbose\n    \tprint out lots of messages\n"), usage);
        assertTrue(usage.contains("  -track_open\n    \tTrack opens (default true)\n"), usage);
        assertTrue(usage.contains("  -max int\n    \ta number (default 5)\n"), usage);
    }
}
