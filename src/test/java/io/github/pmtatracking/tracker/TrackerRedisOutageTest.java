package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.TestRedis;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Redis stopped and started again under a running tracker: answers go on, no event is lost. */
class TrackerRedisOutageTest {

    @Test
    void eventsWaitInMemoryWhileRedisIsDownAndArriveWhenItIsBack() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            int port = TestRedis.freePort();
            try (AppProcess tracker = TrackerTest.startTracker(redis, port, Map.of())) {
                for (int i = 0; i < 100; i++) {
                    assertEquals(200, Http.get(port, TrackerTest.path(TrackingLink.open("before-" + i, "r"))).statusCode());
                }
                assertEquals(100, TrackerTest.events(redis, 100).size());

                redis.stopServer(); // its data goes with it: the test server keeps nothing on disk
                for (int i = 0; i < 300; i++) {
                    // each answered within the client's 2 s timeout although Redis is gone
                    String p = i % 2 == 0 ? TrackerTest.path(TrackingLink.open("during-" + i, "r"))
                            : TrackerTest.path(TrackingLink.click("https://example.com/" + i, "during-" + i, "r"));
                    int status = Http.get(port, p).statusCode();
                    assertEquals(i % 2 == 0 ? 200 : 302, status);
                }
                Thread.sleep(500);
                redis.startServer();

                List<com.fasterxml.jackson.databind.JsonNode> events = awaitEvents(redis, 300);
                Set<String> ids = new HashSet<>();
                events.forEach(e -> ids.add(e.at("/WD/msg_id").asText()));
                assertEquals(300, ids.size(), "every event made during the outage arrived once");
                assertTrue(ids.contains("during-0") && ids.contains("during-299"));
                assertTrue(tracker.output().contains("is unreachable"), tracker.output());
                assertTrue(tracker.output().contains("answers again"), tracker.output());
            }
        }
    }

    private static List<com.fasterxml.jackson.databind.JsonNode> awaitEvents(TestRedis redis, int n) throws Exception {
        for (int i = 0; i < 300; i++) {
            try {
                if (redis.commands().llen("trk_queue") >= n) {
                    break;
                }
            } catch (RuntimeException notYetUp) {
                // the server is still starting
            }
            Thread.sleep(50);
        }
        return TrackerTest.events(redis, n);
    }
}
