package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.testing.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisEventBufferTest {

    @Test
    void aFullBufferDropsCountsAndKeepsWhatItHolds() throws Exception {
        TrackerStats stats = new TrackerStats();
        try (TestRedis redis = TestRedis.notStarted()) {
            RedisEventBuffer buffer = new RedisEventBuffer(RedisAddress.parse(redis.url()), "q", 10, stats, Duration.ofSeconds(10));
            try {
                int accepted = 0;
                for (int i = 0; i < 2000; i++) {
                    if (buffer.offer("{\"n\":" + i + "}")) {
                        accepted++;
                    }
                }
                // ten in the buffer, plus at most one batch (up to 1000) the pusher holds for its retry
                assertTrue(accepted >= 10 && accepted <= 1010, "accepted " + accepted);
                assertEquals(2000 - accepted, stats.getDropped());
                redis.startServer();
                for (int i = 0; i < 100 && redis.commands().llen("q") < accepted; i++) {
                    Thread.sleep(50);
                }
                assertEquals(accepted, redis.commands().llen("q"));
                assertEquals(accepted, stats.getPushed());
            } finally {
                buffer.close();
            }
        }
    }

    @Test
    void closingPushesWhatIsStillBuffered() throws Exception {
        TrackerStats stats = new TrackerStats();
        try (TestRedis redis = TestRedis.start()) {
            RedisEventBuffer buffer = new RedisEventBuffer(RedisAddress.parse(redis.url()), "q", 100_000, stats, Duration.ofSeconds(10));
            for (int i = 0; i < 50_000; i++) {
                assertTrue(buffer.offer("e" + i));
            }
            buffer.close();
            assertEquals(50_000, redis.commands().llen("q"));
            assertEquals("e0", redis.commands().lindex("q", 0));
            assertEquals("e49999", redis.commands().lindex("q", -1));
            assertFalse(stats.getDropped() > 0);
        }
    }
}
