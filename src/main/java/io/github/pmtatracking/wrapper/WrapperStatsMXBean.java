package io.github.pmtatracking.wrapper;

/** The wrapper's counters, as JMX shows them (Hawtio: io.github.pmtatracking / wrapper). */
public interface WrapperStatsMXBean {
    long getSessionsOpen();

    long getMessagesRelayed();

    long getMessagesRefusedTransient();

    long getMessagesRefusedPermanent();

    long getRouteFailures();

    long getMessagesTooBig();

    long getMessagesTracked();

    long getMessagesUnparseable();

    long getMessagesUntracked();
}
