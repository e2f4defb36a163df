package io.github.pmtatracking.feeder;

/** The feeder's counters, as JMX shows them (Hawtio: io.github.pmtatracking / feeder). */
public interface FeederStatsMXBean {
    long getBatchesSent();

    long getBatchesRetried();

    long getBatchesDeadLettered();

    long getEventsDelivered();

    long getEventsDeadLettered();

    long getEventsInFlight();

    long getQueueLength();
}
