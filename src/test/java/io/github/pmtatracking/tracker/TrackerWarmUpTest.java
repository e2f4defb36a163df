package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.TestRedis;
import java.util.List;
import java.util.Properties;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The warm-up at start against the real routes and a real Redis: its requests are answered, the
 * readiness is down meanwhile, and nothing of it is left: no event in trk_queue, no scratch list,
 * no count. A request carrying the warm-up's header without its secret is an ordinary request.
 */
class TrackerWarmUpTest extends TrackerRoutesTestSupport {

    @BeforeAll
    static void startRedis() {
        useRedis(TestRedis.start());
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("tracker.warmup_seconds", "3");
        p.setProperty("tracker.log_events", "true"); // the warm-up's log line goes the twin's way
        return p;
    }

    @Test
    void warmsUpAndLeavesNothingBehind() throws Exception {
        TrackerWarmUp warmUp = context.getRegistry().lookupByNameAndType("trackerWarmUp", TrackerWarmUp.class);
        HealthCheck readiness = context.getRegistry().lookupByNameAndType("trackerWarmUpHealthCheck", HealthCheck.class);
        assertTrue(warmUp.running(), "the warm-up runs once the context has started");
        assertEquals(HealthCheck.State.DOWN, readiness.call().getState(), "not ready while warming up");
        long scratchSeen = 0;
        for (int i = 0; i < 600 && warmUp.running(); i++) {
            scratchSeen = Math.max(scratchSeen, redis.commands().llen("trk_queue:warm-up"));
            Thread.sleep(50);
        }
        assertFalse(warmUp.running(), "the warm-up ends within tracker.warmup_seconds");
        assertEquals(HealthCheck.State.UP, readiness.call().getState());
        assertTrue(warmUp.answered() > 100, "its requests were answered: " + warmUp.answered());
        assertTrue(scratchSeen > 0, "its events went the way to Redis, onto the scratch list");

        Thread.sleep(500); // an event of the warm-up still on its way would land now
        assertEquals(0, redis.commands().llen("trk_queue"), "no warm-up event in the queue");
        assertEquals(0, redis.commands().exists("trk_queue:warm-up"), "the scratch list is deleted");
        assertEquals(0, stats().requests(), "no warm-up request counted");
        assertEquals(0, stats().getPushed());

        // after it, every request is the tracker's own business again, the warm-up's header or not
        assertEquals(200, get(TrackerTest.path(TrackingLink.open("00aa11bb", "after@example.com"))).statusCode());
        assertEquals(200, get(TrackerTest.path(TrackingLink.open("00aa11cc", "forged@example.com")),
                TrackerWarmUp.HEADER, "00000000000000000000000000000000").statusCode());
        List<JsonNode> events = awaitQueue(2);
        assertEquals(2, events.size());
        assertEquals("after@example.com", events.get(0).get("WD").get("rcpt").asText());
        assertEquals("forged@example.com", events.get(1).get("WD").get("rcpt").asText());
        assertEquals(2, stats().getOpens());
    }
}
