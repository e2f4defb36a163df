package io.github.pmtatracking.tracker;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.Exchange;
import org.apache.camel.support.UnitOfWorkHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events on their way to Redis: the queue of the {@code seda:tracker-events} endpoint
 * ({@code queue=#trackerEventBuffer}), bounded at {@code tracker.buffer_size}. Its depth is the
 * endpoint's CurrentQueueSize in JMX and the tracker's Buffered counter.
 *
 * <p>Seda has the rest (a full queue turns an event away with {@code discardWhenFull}); this bean adds
 * what seda has no word for: an event turned away is counted (Dropped, {@code pmta_tracker_events_dropped_total})
 * and logged, and its exchange is completed so that what it holds (the request's buffer, handed
 * over with the copy) is released. Being a bean rather than the endpoint's own queue, it also
 * outlives a reload of tracker.yaml: what waits in it is consumed by the reloaded route.
 *
 * <p>A linked queue, as seda's own: the I/O threads offer and the one consumer takes under two
 * separate locks.
 */
public final class TrackerEventBuffer extends LinkedBlockingQueue<Exchange> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TrackerEventBuffer.class);

    private static final long GATHER_MICROS = 1000;

    private final transient TrackerStats stats;
    private final int capacity;
    private volatile long droppedLogged;
    private volatile TrackerEventBuffer warmUp;

    public TrackerEventBuffer(int capacity, TrackerStats stats) {
        super(capacity);
        this.capacity = capacity;
        this.stats = stats;
        stats.bufferSize(this::size);
    }

    /**
     * While the tracker warms up, its own events go to {@code queue}, the warm-up's route's, rather
     * than here; null ends that. A warm-up event is never queued here, also after the warm-up.
     */
    void warmUpTo(TrackerEventBuffer queue) {
        warmUp = queue;
    }

    @Override
    public boolean offer(Exchange event) {
        if (event.getProperty(TrackingRequestProcessor.WARM_UP) != null) {
            return warmUpEvent(event);
        }
        if (super.offer(event)) {
            return true;
        }
        dropped(event);
        return false;
    }

    @Override
    public boolean offer(Exchange event, long timeout, TimeUnit unit) throws InterruptedException {
        if (event.getProperty(TrackingRequestProcessor.WARM_UP) != null) {
            return warmUpEvent(event);
        }
        if (super.offer(event, timeout, unit)) {
            return true;
        }
        dropped(event);
        return false;
    }

    /**
     * The events route's consumer takes the next event. While events come, it does not wait to be
     * woken for each one: an empty buffer is looked at again after {@value #GATHER_MICROS} µs, by
     * when the next few have arrived, and only a buffer still empty then is waited on (woken by
     * the next offer). Woken per event, the consumer cost a thread switch for nearly every request
     * on a busy tracker (bench/tracker.sh: 27,029 requests/s woken per event, 29,254 so, a ratio to nginx
     * of 0.594 and 0.682 in one session). An event
     * waits at most that much longer for its batch.
     */
    @Override
    public Exchange poll(long timeout, TimeUnit unit) throws InterruptedException {
        Exchange next = super.poll();
        if (next != null) {
            return next;
        }
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(GATHER_MICROS));
        next = super.poll();
        return next != null ? next : super.poll(timeout, unit);
    }

    private boolean warmUpEvent(Exchange event) {
        TrackerEventBuffer to = warmUp;
        if (to == null || !to.offerWarmUpEvent(event)) {
            UnitOfWorkHelper.doneSynchronizations(event, event.getExchangeExtension().handoverCompletions());
        }
        return true;
    }

    /** The warm-up's queue takes one of its events (its own offer would turn it away as one). */
    private boolean offerWarmUpEvent(Exchange event) {
        return super.offer(event);
    }

    private void dropped(Exchange event) {
        stats.dropped();
        UnitOfWorkHelper.doneSynchronizations(event, event.getExchangeExtension().handoverCompletions());
        long dropped = stats.getDropped();
        if (dropped == 1 || dropped - droppedLogged >= 1000) { // racy on purpose: an approximate rate limit
            droppedLogged = dropped;
            LOG.error("Event buffer full ({} events waiting for Redis): {} events dropped so far", capacity, dropped);
        }
    }
}
