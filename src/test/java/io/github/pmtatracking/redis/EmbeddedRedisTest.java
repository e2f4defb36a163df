package io.github.pmtatracking.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisTest {

    @TempDir
    Path data;

    @Test
    void whenNothingAnswersOnLoopbackARealServerStartsWithAppendOnlyFiles() throws Exception {
        RedisAddress address = RedisAddress.parse("redis://127.0.0.1:" + TestRedis.freePort() + "/2");
        Optional<EmbeddedRedis> started = EmbeddedRedis.startIfAbsent(address, data);
        assertTrue(started.isPresent());
        try (EmbeddedRedis ignored = started.get()) {
            RedisClient client = RedisClient.create(address.uri());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                c.sync().set("k", "v");
                assertEquals("v", c.sync().get("k"));
                assertEquals("yes", c.sync().configGet("appendonly").get("appendonly"));
            } finally {
                client.shutdown();
            }
            Thread.sleep(1200); // appendfsync everysec
            try (var files = Files.walk(data)) {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("appendonly")), "append-only file under " + data);
            }
        }
        assertFalse(address.answers(300), "stopped on close");
    }

    @Test
    void whenRedisAnswersNothingIsStarted() throws Exception {
        try (TestRedis running = TestRedis.start()) {
            assertTrue(EmbeddedRedis.startIfAbsent(RedisAddress.parse(running.url()), data).isEmpty());
        }
    }

    @Test
    void anAddressOffThisMachineIsNeverStartedHere() throws Exception {
        // TEST-NET-1: not loopback, so it is not even probed
        assertTrue(EmbeddedRedis.startIfAbsent(RedisAddress.parse("redis://192.0.2.1:6379"), data).isEmpty());
    }

    @Test
    void passwordsAndDatabasesAreReadFromTheUrlAndNotLogged() {
        RedisAddress a = RedisAddress.parse("rediss://:s3cret@cache.example.com:6380/3");
        assertTrue(a.uri().isSsl());
        assertEquals(3, a.uri().getDatabase());
        assertEquals("s3cret", new String(a.uri().getPassword()));
        assertEquals("rediss://cache.example.com:6380/3", a.display());
    }
}
