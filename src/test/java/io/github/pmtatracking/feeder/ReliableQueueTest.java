package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
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
             RedisConnections connector = new RedisConnections(RedisAddress.parse(redis.url()), Duration.ofSeconds(10))) {
            List<String> events = IntStream.range(0, 20_000).mapToObj(i -> "e" + i).toList();
            redis.commands().rpush("q", events.toArray(new String[0]));
            ReliableQueue queue = new ReliableQueue(connector.factory(), "q", "f1", "q:dead");
            assertTrue(queue.lock("me", 15));

            assertEquals(events, queue.claim("me", 20_000));
            assertEquals(0, redis.commands().llen("q"));
            assertEquals(20_000, redis.commands().llen("q:inflight:f1"));

            // a refused 5 MB batch can dead-letter more entries than one unpack() takes
            queue.acknowledge("me", 20_000, "e0", "e19999", events);
            assertEquals(0, redis.commands().llen("q:inflight:f1"));
            assertEquals(events, redis.commands().lrange("q:dead", 0, -1));
        }
    }

    @Test
    void onlyTheOwnersTokenChangesTheInFlightList() {
        try (TestRedis redis = TestRedis.start();
             RedisConnections connector = new RedisConnections(RedisAddress.parse(redis.url()), Duration.ofSeconds(10))) {
            redis.commands().rpush("q", "a", "b", "c", "d");
            ReliableQueue queue = new ReliableQueue(connector.factory(), "q", "f1", "q:dead");
            assertThrows(ReliableQueue.NotOwner.class, () -> queue.claim("nobody", 2), "no lock at all");
            assertTrue(queue.lock("old", 15));
            assertEquals(List.of("a", "b"), queue.claim("old", 2));
            redis.commands().del("q:feeder:f1"); // the lease lapsed...
            assertTrue(queue.lock("new", 15)); // ...and another process took the id

            assertThrows(ReliableQueue.NotOwner.class, () -> queue.acknowledge("old", 2, "a", "b", List.of("x")));
            assertThrows(ReliableQueue.NotOwner.class, () -> queue.claim("old", 2));
            assertEquals(List.of("a", "b"), redis.commands().lrange("q:inflight:f1", 0, -1), "the stale owner changed nothing");
            assertEquals(0, redis.commands().llen("q:dead"));
            assertEquals(2, redis.commands().llen("q"));

            // the owner's picture of the list must match its head, or nothing is removed
            assertThrows(ReliableQueue.OutOfStep.class, () -> queue.acknowledge("new", 1, "b", "b", List.of()));
            assertThrows(ReliableQueue.OutOfStep.class, () -> queue.acknowledge("new", 2, "a", "c", List.of()));
            assertEquals(2, redis.commands().llen("q:inflight:f1"));
            queue.acknowledge("new", 1, "a", "a", List.of());
            assertEquals(List.of("b"), redis.commands().lrange("q:inflight:f1", 0, -1));
        }
    }

    @Test
    void onlyTheHolderReleasesTheLock() {
        try (TestRedis redis = TestRedis.start();
             RedisConnections connector = new RedisConnections(RedisAddress.parse(redis.url()), Duration.ofSeconds(10))) {
            ReliableQueue queue = new ReliableQueue(connector.factory(), "q", "f1", "q:dead");
            assertTrue(queue.lock("me", 15));
            assertFalse(queue.lock("other", 15));
            queue.unlock("other");
            assertFalse(queue.lock("other", 15), "a stranger's unlock left it held");
            queue.unlock("me");
            assertTrue(queue.lock("other", 15));
        }
    }
}
