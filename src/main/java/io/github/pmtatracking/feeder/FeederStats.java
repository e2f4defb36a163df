package io.github.pmtatracking.feeder;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** Counts the feeder's batches and events. */
public final class FeederStats implements FeederStatsMXBean {

    final LongAdder batchesSent = new LongAdder();
    final LongAdder batchesRetried = new LongAdder();
    final LongAdder batchesDeadLettered = new LongAdder();
    final LongAdder eventsDelivered = new LongAdder();
    final LongAdder eventsDeadLettered = new LongAdder();
    volatile LongSupplier inflight = () -> 0;
    volatile LongSupplier queueLength = () -> 0;

    @Override
    public long getBatchesSent() {
        return batchesSent.sum();
    }

    @Override
    public long getBatchesRetried() {
        return batchesRetried.sum();
    }

    @Override
    public long getBatchesDeadLettered() {
        return batchesDeadLettered.sum();
    }

    @Override
    public long getEventsDelivered() {
        return eventsDelivered.sum();
    }

    @Override
    public long getEventsDeadLettered() {
        return eventsDeadLettered.sum();
    }

    @Override
    public long getEventsInFlight() {
        return inflight.getAsLong();
    }

    @Override
    public long getQueueLength() {
        try {
            return queueLength.getAsLong();
        } catch (RuntimeException redisDown) {
            return -1;
        }
    }
}
