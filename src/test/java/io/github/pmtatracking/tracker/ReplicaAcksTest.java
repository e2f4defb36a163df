package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.redis.ReplicaAcks;
import io.github.pmtatracking.testing.TestRedis;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import redis.embedded.RedisServer;

/**
 * redis.wait_replicas against real servers: a batch pushed to a master no replica follows is not
 * done (the route retries it), and once a replica follows, the same push is.
 */
class ReplicaAcksTest {

    @Test
    void aPushIsDoneOnlyOnceAReplicaHasIt() throws Exception {
        try (TestRedis master = TestRedis.start();
             RedisConnections connections = new RedisConnections(RedisAddress.parse(master.url()), Duration.ofSeconds(10))) {
            TrackerStats stats = new TrackerStats();
            RedisEventList list = new RedisEventList(connections.factory(), "trk_queue", master.url(), stats,
                    new TrackerEventBuffer(10, stats), new ReplicaAcks(1, 300));
            QueryTimeoutException refused = assertThrows(QueryTimeoutException.class, () -> list.rpush(List.of("e1")));
            assertTrue(refused.getMessage().startsWith("0 of 1 replicas had the write after 300 ms"), refused.getMessage());
            assertEquals(0, stats.getPushed(), "not counted as pushed");

            RedisServer replica = RedisServer.newRedisServer().port(TestRedis.freePort()).bind("127.0.0.1")
                    .setting("dir " + Files.createTempDirectory("replica")).setting("save \"\"")
                    .setting("replicaof 127.0.0.1 " + master.port()).build();
            replica.start();
            try {
                for (int i = 0; i < 100 && !master.commands().info("replication").contains("connected_slaves:1"); i++) {
                    Thread.sleep(100);
                }
                assertEquals(2L, list.rpush(List.of("e1")), "the batch written again: a repeat, with its own event id");
                assertEquals(1, stats.getPushed());
            } finally {
                replica.stop();
            }
        }
    }

    @Test
    void sentinelUrlsAreReadAndShownWithoutTheirPassword() {
        assertEquals(1, RedisAddress.parse("redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/0#mymaster").isSentinel() ? 1 : 0);
        assertEquals("redis-sentinel://127.0.0.1:26379,127.0.0.1:26380/0#mymaster",
                RedisAddress.parse("redis-sentinel://:pw@127.0.0.1:26379,127.0.0.1:26380/0#mymaster").display(), "no password shown");
        assertThrows(IllegalArgumentException.class, () -> RedisAddress.parse("redis-sentinel://127.0.0.1:26379/0"), "no master name");
    }
}
