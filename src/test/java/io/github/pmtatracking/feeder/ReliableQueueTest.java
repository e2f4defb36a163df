package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnector;
import io.github.pmtatracking.testing.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The queue's Lua steps against a real redis-server, at sizes past Lua's unpack() limit. */
class ReliableQueueTest {

    @Test
    void claimsAndDeadLettersPastLuasUnpackLimit() {
        try (TestRedis redis = TestRedis.start();
             RedisConnector connector = new RedisConnector(RedisAddress.parse(redis.url()), Duration.ofSeconds(10))) {
            List<String> events = IntStream.range(0, 20_000).mapToObj(i -> "e" + i).toList();
            redis.commands().rpush("q", events.toArray(new String[0]));
            ReliableQueue queue = new ReliableQueue(connector, "q", "f1", "q:dead");

            assertEquals(events, queue.claim(20_000));
            assertEquals(0, redis.commands().llen("q"));
            assertEquals(20_000, redis.commands().llen("q:inflight:f1"));

            // a refused 5 MB batch can dead-letter more entries than one unpack() takes
            queue.acknowledge(20_000, events);
            assertEquals(0, redis.commands().llen("q:inflight:f1"));
            assertEquals(events, redis.commands().lrange("q:dead", 0, -1));
        }
    }

    @Test
    void onlyTheHolderReleasesTheLock() {
        try (TestRedis redis = TestRedis.start();
             RedisConnector connector = new RedisConnector(RedisAddress.parse(redis.url()), Duration.ofSeconds(10))) {
            ReliableQueue queue = new ReliableQueue(connector, "q", "f1", "q:dead");
            assertTrue(queue.lock("me", 15));
            assertFalse(queue.lock("other", 15));
            queue.unlock("other");
            assertFalse(queue.lock("other", 15), "a stranger's unlock left it held");
            queue.unlock("me");
            assertTrue(queue.lock("other", 15));
        }
    }
}
