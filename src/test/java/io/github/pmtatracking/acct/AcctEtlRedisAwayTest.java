package io.github.pmtatracking.acct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

/**
 * Redis going away in the middle of a run: the route keeps the batch in hand (retry-while-away),
 * reading stops once acct_etl.max_pending records wait, and every record is stored once Redis is back.
 */
class AcctEtlRedisAwayTest extends AcctEtlRouteTestSupport {

    static final int RECORDS = 20_000;

    @Override
    protected Map<String, String> settings() {
        return Map.of("acct_etl.max_pending", "2000", "acct_etl.batch_size", "100",
                "retry.max_delay_ms", "500"); // a quick test: retry twice a second at most
    }

    @Test
    void whileRedisIsAwayReadingWaitsOnceMaxPendingRecordsAreHeldAndNothingIsLost() throws Exception {
        NotifyBuilder end = endOfInput();
        OutputStream pipe = startOnPipe();
        write(pipe, "type,rcpt,header_x-sp-message-id\nd,first@example.com,m0\n");
        while (redis.commands().get("msgID_m0") == null) {
            Thread.sleep(10);
        }
        redis.stopServer();
        Thread writer = new Thread(() -> {
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i <= RECORDS; i++) {
                lines.append("d,r").append(i).append("@example.com,m").append(i).append('\n');
            }
            try (pipe) {
                write(pipe, lines.toString()); // waits while the route does not read
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        long read = -1;
        for (int i = 0; i < 30 && read != loader().getLinesRead(); i++) { // until reading has stopped
            read = loader().getLinesRead();
            Thread.sleep(1000);
        }
        assertEquals(read, loader().getLinesRead(), "reading has stopped");
        // max_pending, give or take a batch (in whole batches) and the chunk in hand
        assertTrue(read < 2000 + 3 * 200, "held " + read + " lines, not the whole input");
        assertTrue(writer.isAlive(), "the pipe is full: PowerMTA would wait");

        redis.startServer(); // an empty Redis (no persistence here): what was stored before is gone
        AccountingRecordLoader loader = awaitEnd(end);
        writer.join(10_000);
        assertEquals(RECORDS + 2, loader.getLinesRead());
        for (int i = 1; i <= RECORDS; i += 997) {
            assertEquals("{\"rcpt\":\"r" + i + "@example.com\"}", redis.commands().get("msgID_m" + i));
        }
        assertEquals(RECORDS, redis.commands().dbsize(), "every record read while Redis was away");
        assertTrue(loader.summary().contains((RECORDS + 1) + " delivery records stored"), loader.summary());
    }

    private static void write(OutputStream pipe, String text) throws IOException {
        pipe.write(text.getBytes(StandardCharsets.UTF_8));
        pipe.flush();
    }
}
