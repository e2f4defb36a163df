package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.TestRedis;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programs as the original's start.sh ran them: separate processes of the built application on
 * one host, each with only its usual flags, sharing the embedded Redis the first one started.
 */
class SideBySideTest {

    @TempDir
    Path data;

    @Test
    void trackerFeederAndWrapperRunSideBySideWithOnlyTheirListenFlags() throws Exception {
        int redisPort = TestRedis.freePort();
        int httpPort = TestRedis.freePort();
        int smtpPort = TestRedis.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
        env.put("REDIS_EMBEDDED_DIR", data.resolve("redis").toString());
        env.put("FEEDER_OUTBOX_DIR", data.resolve("ingest").toString());
        env.put("WRAPPER_OUTBOX_DIR", data.resolve("outbox").toString());
        // no management port given: each program takes its own default (9876, 9877, 9878)
        env.put("CAMEL_MANAGEMENT_PORT", null);
        List<String> noPort = List.of();
        try (AppProcess tracker = AppProcess.start(env, noPort, "tracker", "-in_hostport", "127.0.0.1:" + httpPort);
                AppProcess feeder = startAfter(tracker, "Started tracker", env, noPort, "feeder");
                AppProcess wrapper = startAfter(feeder, "Started feeder", env, noPort, "wrapper", "-in_hostport", "127.0.0.1:" + smtpPort)) {
            wrapper.awaitOutput("Started wrapper", 60);
            for (int[] p : new int[][] {{9876}, {9877}, {9878}}) {
                String ready = Http.getText(p[0], "/observe/health/ready").body();
                assertTrue(ready.contains("\"status\":\"UP\""), p[0] + ": " + ready);
            }
            assertTrue(tracker.output().contains("Management server on http://127.0.0.1:9876/observe/"), tracker.output());
            assertTrue(feeder.output().contains("Management server on http://127.0.0.1:9877/observe/"), feeder.output());
            assertTrue(wrapper.output().contains("Management server on http://127.0.0.1:9878/observe/"), wrapper.output());

            // all three serve: an open, an SMTP greeting
            String path = LinkCodec.unsigned().encode("http://t", TrackingLink.open("0000aabbccdd00112233", "a@example.com"))
                    .substring("http://t".length());
            assertEquals(200, Http.getFirst(httpPort, path).statusCode());
            try (Socket s = new Socket("127.0.0.1", smtpPort)) {
                s.setSoTimeout(5000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                assertTrue(in.readLine().startsWith("220 "));
                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII);
                out.print("QUIT\r\n");
                out.flush();
                assertTrue(in.readLine().startsWith("221 "));
            }

            // the tracker owns the embedded Redis: killed with -9, it takes Redis with it
            RedisAddress redis = RedisAddress.parse(env.get("REDIS_URL"));
            assertTrue(redis.answers(500));
            tracker.kill();
            boolean gone = false;
            for (int i = 0; i < 100 && !gone; i++) {
                Thread.sleep(50);
                gone = !redis.answers(200);
            }
            assertTrue(gone, "the embedded Redis stopped with its owner");
            // Redis stops answering a moment before its process is gone: wait for that, up to 10 s
            boolean left = true;
            for (int i = 0; i < 200 && left; i++) {
                left = ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(data.toString()));
                if (left) Thread.sleep(50);
            }
            assertFalse(left, "no process left running on the data folder");
            // the others say so, and recover once a Redis is back (a new owner starts one)
            feeder.awaitOutput("Redis is unreachable", 30);
            try (AppProcess again = AppProcess.start(env, noPort, "tracker", "-in_hostport", "127.0.0.1:" + httpPort)) {
                again.awaitOutput("Started tracker", 60);
                String ready = "";
                for (int i = 0; i < 100 && !ready.contains("\"status\":\"UP\""); i++) {
                    Thread.sleep(100);
                    ready = Http.getText(9877, "/observe/health/ready").body();
                }
                assertTrue(ready.contains("\"status\":\"UP\""), "feeder ready again: " + ready + "\n" + feeder.output());
            }
        }
    }

    private static AppProcess startAfter(AppProcess previous, String started, Map<String, String> env, List<String> jvm,
            String... args) throws Exception {
        previous.awaitOutput(started, 60); // the first one starts Redis; the next ones must find it
        return AppProcess.start(env, jvm, args);
    }
}
