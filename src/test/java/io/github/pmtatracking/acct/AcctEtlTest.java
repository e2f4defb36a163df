package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.TestRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** acct_etl as PowerMTA runs it: a separate process, CSV on stdin or -infile, a real Redis. */
class AcctEtlTest {

    private TestRedis redis;

    @BeforeEach
    void startRedis() {
        redis = TestRedis.start();
    }

    @AfterEach
    void stopRedis() {
        redis.close();
    }

    @Test
    void theExampleFileIsStoredExactlyAsTheOriginalStoredIt() throws Exception {
        String infile = Path.of("src/test/resources/acct/example.csv").toAbsolutePath().toString();
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl", "-infile", infile)) {
            assertEquals(0, app.waitFor(60), app.output());
            assertTrue(app.output().contains("acct_etl: 4 lines read, 3 delivery records stored, 0 skipped"), app.output());
        }
        RedisCommands<String, String> r = redis.commands();
        assertEquals(new TreeSet<>(List.of("acct_headers", "msgID_0000123456789abcdef0", "msgID_0000123456789abcdef1",
                "msgID_0000123456789abcdef2")), new TreeSet<>(r.keys("*")));
        // byte for byte what the original's Go json.Marshal of its maps wrote
        assertEquals("{\"header_x-sp-message-id\":2,\"header_x-sp-subaccount-id\":3,\"rcpt\":1,\"type\":0}",
                r.get("acct_headers"));
        assertEquals("{\"header_x-sp-subaccount-id\":\"0\",\"rcpt\":\"test+00102830@not-orange.fr.bouncy-sink.trymsys.net\"}",
                r.get("msgID_0000123456789abcdef0"));
        assertEquals("{\"header_x-sp-subaccount-id\":\"2\",\"rcpt\":\"test+00183623@not-orange.fr.bouncy-sink.trymsys.net\"}",
                r.get("msgID_0000123456789abcdef2"));
        long ttl = r.ttl("msgID_0000123456789abcdef1");
        assertTrue(ttl > 864000 - 60 && ttl <= 864000, "TTL " + ttl);
        assertEquals(-1, r.ttl("acct_headers"), "the header never expires");
    }

    @Test
    void badLinesAreSkippedCountedAndLoggedWhileGoodOnesAreStored() throws Exception {
        String input = "\uFEFFtype,orig,rcpt,jobId,dlvSourceIp,vmtaPool,header_x-sp-message-id,header_x-sp-subaccount-id,timeLogged,dsnDiag\r\n"
                + "d,from@example.com,\"Bob, Jr <bob@example.com>\",spring,10.0.0.1,pool-a,0000aaaaaaaaaaaaaaaa,7,2026-11-24 10:00:00+0000,\"smtp;250 ok\"\r\n"
                + "b,from@example.com,x@example.com,spring,10.0.0.1,pool-a,0000bbbbbbbbbbbbbbbb,7,2026-11-24,bounce\n"
                + "d,from@example.com,short@example.com,spring\n"
                + "d,from@example.com,\"broken@example.com,spring,10.0.0.1,pool-a,0000cccccccccccccccc,7,t,x\n"
                + "d,from@example.com,noid@example.com,spring,10.0.0.1,pool-a,,7,t,x\n"
                + "\n"
                + "rb,from@example.com,x@example.com,spring,10.0.0.1,pool-a,0000eeeeeeeeeeeeeeee,7,t,x\n"
                + "d,from@example.com,carol@example.com,,10.0.0.2,pool-b,0000dddddddddddddddd,,2026-11-24 10:00:01+0000,\"smtp;250 \"\"quoted\"\" ok\"\n";
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl")) {
            app.write(input);
            app.closeStdin();
            assertEquals(0, app.waitFor(60), app.output());
            String out = app.output();
            assertTrue(out.contains("acct_etl: 9 lines read, 2 delivery records stored, 6 skipped (other_type=2, "
                    + "field_count=1, broken_quote=1, empty_message_id=1, empty_line=1)"), out);
            assertTrue(out.contains("line 1: byte-order mark removed"), out);
            assertTrue(out.contains("line 4: skipped (field_count)"), out);
            assertTrue(out.contains("line 5: skipped (broken_quote)"), out);
            assertTrue(out.contains("line 6: skipped (empty_message_id)"), out);
            assertTrue(out.contains("line 3: skipping records of type 'b'"), out);
        }
        RedisCommands<String, String> r = redis.commands();
        assertEquals(new TreeSet<>(List.of("acct_headers", "msgID_0000aaaaaaaaaaaaaaaa", "msgID_0000dddddddddddddddd")),
                new TreeSet<>(r.keys("*")));
        assertEquals("{\"dlvSourceIp\":\"10.0.0.1\",\"header_x-sp-subaccount-id\":\"7\",\"jobId\":\"spring\","
                + "\"orig\":\"from@example.com\",\"rcpt\":\"Bob, Jr <bob@example.com>\","
                + "\"timeLogged\":\"2026-11-24 10:00:00+0000\",\"vmtaPool\":\"pool-a\"}", r.get("msgID_0000aaaaaaaaaaaaaaaa"));
        assertEquals("pool-b", new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.get("msgID_0000dddddddddddddddd")).get("vmtaPool").asText());
    }

    @Test
    void aLaterRunReadsRecordsWithTheHeaderAnEarlierRunStored() throws Exception {
        try (AppProcess first = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl")) {
            first.write("type,rcpt,header_x-sp-message-id\n");
            first.closeStdin();
            assertEquals(0, first.waitFor(60), first.output());
        }
        try (AppProcess second = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl")) {
            second.write("d,later@example.com,0000ffffffffffffffff\n");
            second.closeStdin();
            assertEquals(0, second.waitFor(60), second.output());
        }
        assertEquals("{\"rcpt\":\"later@example.com\"}", redis.commands().get("msgID_0000ffffffffffffffff"));
    }

    @Test
    void withNoHeaderAnywhereDeliveryRecordsAreSkipped() throws Exception {
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl")) {
            app.write("d,later@example.com,0000ffffffffffffffff\n");
            app.closeStdin();
            assertEquals(0, app.waitFor(60), app.output());
            assertTrue(app.output().contains("1 skipped (no_header=1)"), app.output());
        }
        assertEquals(List.of(), redis.commands().keys("*"));
    }

    @Test
    void emptyInputEndsAtOnceWithExitZero() throws Exception {
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl")) {
            app.closeStdin();
            assertEquals(0, app.waitFor(60), app.output());
            assertTrue(app.output().contains("acct_etl: 0 lines read, 0 delivery records stored, 0 skipped"), app.output());
        }
    }

    @Test
    void aRecordIsInRedisWhileThePipeIsStillOpen() throws Exception {
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl")) {
            app.write("type,rcpt,header_x-sp-message-id\nd,now@example.com,00001111222233334444\n");
            String value = null;
            for (int i = 0; i < 300 && value == null; i++) { // the pipe stays open: only the batch timer can send it
                Thread.sleep(50);
                value = redis.commands().get("msgID_00001111222233334444");
            }
            assertEquals("{\"rcpt\":\"now@example.com\"}", value, app.output());
            assertTrue(app.isAlive(), "still reading its pipe");
            app.closeStdin();
            assertEquals(0, app.waitFor(60), app.output());
        }
    }

    @Test
    void whenRedisIsDownItKeepsWhatItReadAndStoresItOnceRedisIsBack() throws Exception {
        TestRedis later = TestRedis.notStarted();
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", later.url()), "acct_etl")) {
            StringBuilder lines = new StringBuilder("type,rcpt,header_x-sp-message-id\n");
            for (int i = 0; i < 500; i++) {
                lines.append(String.format("d,r%d@example.com,0000%016d%n", i, i));
            }
            app.write(lines.toString());
            app.closeStdin();
            // wait for it to find Redis away (a fixed sleep raced a slow start on a loaded machine)
            app.awaitOutput("is unreachable", 60);
            Thread.sleep(500);
            assertTrue(app.isAlive(), "must not exit while records are unsaved:\n" + app.output());
            later.startServer();
            assertEquals(0, app.waitFor(60), app.output());
            assertTrue(app.output().contains("500 delivery records stored"), app.output());
            assertEquals(501, later.commands().dbsize());
            assertEquals("{\"rcpt\":\"r499@example.com\"}", later.commands().get("msgID_0000" + String.format("%016d", 499)));
        } finally {
            later.close();
        }
    }

    @Test
    void aMissingInfileIsAOneLineErrorAndANonZeroExit() throws Exception {
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url()), "acct_etl", "-infile", "/nonexistent.csv")) {
            assertEquals(2, app.waitFor(60));
            assertTrue(app.output().contains("cannot read -infile /nonexistent.csv"), app.output());
        }
    }

    @Test
    void logfileSendsTheLogToAFileAndEnvironmentSetsTheInput(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path log = dir.resolve("acct_etl.log");
        String infile = Path.of("src/test/resources/acct/example.csv").toAbsolutePath().toString();
        try (AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url(), "ACCT_ETL_INFILE", infile),
                "acct_etl", "-logfile", log.toString())) {
            assertEquals(0, app.waitFor(60), app.output());
            assertTrue(!app.output().contains("delivery records stored"), "stdout has no log: " + app.output());
        }
        String written = java.nio.file.Files.readString(log);
        assertTrue(written.contains("acct_etl: 4 lines read, 3 delivery records stored"), written);
    }
}
