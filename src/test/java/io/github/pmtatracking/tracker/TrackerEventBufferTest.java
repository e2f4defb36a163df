package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.TestRedis;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** tracker-events with a small buffer and Redis not there yet: what is held waits, what does not fit is dropped and counted. */
class TrackerEventBufferTest extends TrackerRoutesTestSupport {

    @BeforeAll
    static void redisNotStartedYet() {
        useRedis(TestRedis.notStarted());
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("tracker.buffer_size", "10");
        return p;
    }

    @Test
    void aFullBufferDropsCountsAndKeepsWhatItHolds() throws Exception {
        String events = "seda:tracker-events?queue=%23trackerEventBuffer&size=10&discardWhenFull=true&waitForTaskToComplete=Never";
        for (int i = 0; i < 2000; i++) {
            template.sendBody(events, "{\"n\":" + i + "}");
        }
        long accepted = 2000 - stats().getDropped();
        // ten in the buffer, plus at most one batch (up to 1000) the route holds for its retry
        assertTrue(accepted >= 10 && accepted <= 1010, "accepted " + accepted);
        assertEquals(10, stats().getBuffered(), "the buffer is full");
        redis.startServer();
        assertEquals(accepted, awaitQueue((int) accepted).size());
        assertEquals(accepted, redis.commands().llen("trk_queue"));
        assertEquals(accepted, stats().getPushed());
        assertEquals(0, stats().getBuffered());
    }
}
