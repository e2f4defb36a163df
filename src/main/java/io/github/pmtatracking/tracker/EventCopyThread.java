package io.github.pmtatracking.tracker;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of a copy of every event (routes/tracker.yaml: a {@code wireTap} in tracker-events,
 * with {@code executorService: trackerCopyThread}; the README's "copy every tracker event to
 * Kafka"). One thread, so the copies go in the events' order; a bounded queue
 * ({@code tracker.buffer_size}), so a destination that is away or slow never holds up the events
 * route, its RPUSH to Redis, or memory: a copy that finds the queue full is dropped, counted
 * ({@code CopiesDropped}, {@code pmta_tracker_copies_dropped_total}) and logged. Camel's own
 * thread pools would instead run the copy on the events route's thread once full (CallerRuns).
 */
final class EventCopyThread extends ThreadPoolExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(EventCopyThread.class);

    EventCopyThread(int capacity, TrackerStats stats) {
        super(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity), r -> {
            Thread t = new Thread(r, "tracker-events-copy");
            t.setDaemon(true);
            return t;
        }, dropCounted(capacity, stats));
    }

    private static RejectedExecutionHandler dropCounted(int capacity, TrackerStats stats) {
        long[] logged = {0};
        return (copy, pool) -> {
            stats.copyDropped();
            long dropped = stats.getCopiesDropped();
            if (dropped == 1 || dropped - logged[0] >= 1000) { // racy on purpose: an approximate rate limit
                logged[0] = dropped;
                LOG.error("Event copies waiting for their destination: {} (the most kept); {} copies dropped so far,"
                        + " the events themselves go to Redis as ever", capacity, dropped);
            }
        };
    }
}
