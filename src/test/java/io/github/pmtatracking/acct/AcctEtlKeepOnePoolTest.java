package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README "Changing the routes": keep only one vmtaPool's records in acct_etl, the filter step a
 * user adds to routes/acct-etl.yaml where its comment says a step can filter records. The test
 * loads a copy of the route with exactly that edit.
 */
class AcctEtlKeepOnePoolTest extends AcctEtlRouteTestSupport {

    /** The lines README tells the user to add. */
    static final String EDIT = String.join("\n",
            "                          # keep only pool-a's delivery records",
            "                          - filter:",
            "                              simple: \"${header.AccountingRecord} == 'delivery' && ${body[vmtaPool]} != 'pool-a'\"",
            "                              steps:",
            "                                - stop: {}",
            "");

    static Path edited;

    @BeforeAll
    static void editTheRoute() throws Exception {
        String route = Files.readString(Path.of("routes/acct-etl.yaml"));
        String anchor = "a step added here can filter, enrich or copy records.\n";
        int at = route.indexOf(anchor);
        assertTrue(at > 0, "the route still says where a step can go");
        Path copy = Files.createDirectories(dir.resolve("edited-routes")).resolve("acct-etl.yaml");
        Files.writeString(copy, route.substring(0, at + anchor.length()) + EDIT + route.substring(at + anchor.length()));
        edited = copy;
    }

    @Override
    protected String routes() {
        return "file:" + edited + ",file:routes/retry-policy.yaml";
    }

    @Test
    void onlyThatPoolsRecordsReachRedis() throws Exception {
        AccountingRecordLoader loader = run("type,rcpt,vmtaPool,header_x-sp-message-id\n"
                + "d,a1@example.com,pool-a,m1\n"
                + "d,b1@example.com,pool-b,m2\n"
                + "d,\"a, 2 <a2@example.com>\",pool-a,m3\n"
                + "b,bounce@example.com,pool-a,m4\n"
                + "d,c1@example.com,pool-c,m5\n");
        assertEquals(new TreeSet<>(List.of("acct_headers", "msgID_m1", "msgID_m3")), new TreeSet<>(redis.commands().keys("*")));
        assertEquals("{\"rcpt\":\"a1@example.com\",\"vmtaPool\":\"pool-a\"}", redis.commands().get("msgID_m1"));
        assertEquals(6, loader.getLinesRead());
        assertEquals(Map.of("other_type", 1L), loader.getSkippedByReason(), "the other pools are filtered, not skipped");
        assertTrue(loader.summary().contains("2 delivery records stored"), loader.summary());
    }
}
