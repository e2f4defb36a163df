package io.github.pmtatracking.tracker;

import java.util.Map;

/** The tracker's counters, as JMX shows them (Hawtio: io.github.pmtatracking / tracker). */
public interface TrackerStatsMXBean {
    long getOpens();

    long getInitialOpens();

    long getClicks();

    long getHeadRequests();

    long getRefused();

    Map<String, Long> getRefusedByReason();

    long getRequestBodiesDiscarded();

    Map<String, Long> getConnectionsClosedByReason();

    long getBuffered();

    long getPushed();

    long getDropped();

    /** Copies of events (a wireTap on trackerCopyThread) dropped because their destination was behind. */
    long getCopiesDropped();

}
