package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

/** routes/acct-etl.yaml as written: what camel-csv makes of each line, and what reaches Redis. */
class AcctEtlRouteTest extends AcctEtlRouteTestSupport {

    @Test
    void plainAndQuotedFieldsSplitAsRfc4180Says() throws Exception {
        run("type,c1,c2,c3,header_x-sp-message-id\n"
                + "d,a@x,,id,m1\n"
                + "d,\"Bob, Jr\",\"say \"\"hi\"\"\",,m2\n");
        assertEquals("{\"c1\":\"a@x\",\"c2\":\"\",\"c3\":\"id\"}", redis.commands().get("msgID_m1"));
        assertEquals("{\"c1\":\"Bob, Jr\",\"c2\":\"say \\\"hi\\\"\",\"c3\":\"\"}", redis.commands().get("msgID_m2"));
    }

    @Test
    void anUnclosedQuoteIsABrokenRecordAndTheNextLinesAreReadAsUsual() throws Exception {
        AccountingRecordLoader loader = run("type,c1,c2,header_x-sp-message-id\n"
                + "d,\"open,x,m1\n"
                + "d,after,x,m2\n"
                + "d,\"quoted\",x,m3\n");
        assertEquals(1, loader.skipped(SkipReason.BROKEN_QUOTE));
        assertEquals("{\"c1\":\"after\",\"c2\":\"x\"}", redis.commands().get("msgID_m2"));
        assertEquals("{\"c1\":\"quoted\",\"c2\":\"x\"}", redis.commands().get("msgID_m3"));
        assertEquals(4, loader.getLinesRead());
    }

    @Test
    void anEmptyLineIsSkipped() throws Exception {
        AccountingRecordLoader loader = run("type,c1,header_x-sp-message-id\n\nd,x,m1\n\n");
        assertEquals(2, loader.skipped(SkipReason.EMPTY_LINE));
        assertEquals(4, loader.getLinesRead());
        assertEquals("{\"c1\":\"x\"}", redis.commands().get("msgID_m1"));
    }

    @Test
    void everyLineIsAnExchangeOfTheSplitAndEveryRecordReachesRedis() throws Exception {
        StringBuilder csv = new StringBuilder("type,rcpt,vmtaPool,header_x-sp-message-id\n");
        for (int i = 0; i < 2500; i++) {
            csv.append("d,r").append(i).append("@example.com,pool-").append(i % 2 == 0 ? "a" : "b").append(",m").append(i).append('\n');
        }
        csv.append("b,bounced@example.com,pool-a,m9999\n");
        AccountingRecordLoader loader = run(csv.toString());
        assertEquals(2502, loader.getLinesRead());
        assertEquals(2500, loader.getDeliveryRecordsRead());
        assertEquals(Map.of("other_type", 1L), loader.getSkippedByReason());
        assertEquals(2501L, redis.commands().dbsize(), "2500 msgID_ keys and acct_headers");
        assertEquals("{\"rcpt\":\"r2499@example.com\",\"vmtaPool\":\"pool-b\"}", redis.commands().get("msgID_m2499"));
        assertTrue(redis.commands().ttl("msgID_m0") > 864000 - 60);
        // Hawtio's counters: the per-line steps count lines, not one exchange for the input
        long classified = context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedProcessor("classify").getExchangesCompleted();
        assertEquals(2502, classified);
    }

    @Test
    void aRecordWrittenToAnOpenPipeIsInRedisWithinAFractionOfASecondWhateverTheRate() throws Exception {
        NotifyBuilder end = endOfInput();
        long worst = 0;
        try (OutputStream pipe = startOnPipe()) {
            write(pipe, "type,rcpt,header_x-sp-message-id\n");
            for (int i = 0; i < 12; i++) {
                long written = System.nanoTime();
                write(pipe, "d,r" + i + "@example.com,m" + i + "\n");
                while (redis.commands().get("msgID_m" + i) == null) {
                    assertTrue(System.nanoTime() - written < TimeUnit.SECONDS.toNanos(10), "record " + i + " reached Redis");
                    Thread.sleep(1);
                }
                worst = Math.max(worst, System.nanoTime() - written);
                Thread.sleep(10L * i); // from back to back to a trickle, the pipe staying open
            }
        }
        awaitEnd(end);
        // 50 ms (acct_etl.max_delay_ms) and the write; a loaded test machine adds its own delays
        assertTrue(worst < TimeUnit.MILLISECONDS.toNanos(1000), "slowest record took " + worst / 1_000_000 + " ms");
    }

    private static void write(OutputStream pipe, String text) throws IOException {
        pipe.write(text.getBytes(StandardCharsets.UTF_8));
        pipe.flush();
    }
}
