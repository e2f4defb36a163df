package io.github.pmtatracking.wrapper;

import java.util.Map;

/** The wrapper's counters, as JMX shows them (Hawtio: io.github.pmtatracking / wrapper). */
public interface WrapperStatsMXBean {
    long getSessionsOpen();

    long getMessagesRelayed();

    long getMessagesRefusedTransient();

    long getMessagesRefusedPermanent();

    long getRouteFailures();

    long getMessagesTooBig();

    /** Messages refused with 452 4.3.1: the proxy's message memory (messageMemory) could not hold them then. */
    long getMessagesOverMemory();

    /** Connections the proxy opened to the upstream MTA. */
    long getUpstreamConnections();

    /** Client sessions that took over an upstream connection an earlier session left open (upstreamReuseSeconds). */
    long getUpstreamSessionsReused();

    /** Messages of at least largeMessageSize bytes, whose route ran on a worker thread instead of their session's I/O thread. */
    long getLargeMessages();

    long getMessagesTracked();

    long getMessagesUnparseable();

    /** HTML parts whose edit places the marked parse could not vouch for alone: parsed again with jsoup's positions. */
    long getHtmlPartsParsedWithPositions();

    long getMessagesUntracked();

    /** Command lines the proxy refused itself and never relayed. */
    long getCommandsRefused();

    Map<String, Long> getCommandsRefusedByReason();

    /** MIME parts or branches the rewrite did not take as declared, by {@link MimeFault} label. */
    Map<String, Long> getMimeFaultsByReason();
}
