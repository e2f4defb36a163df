package io.github.pmtatracking.wrapper;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the proxy's sessions, its messages by outcome (the final reply's class), and the command
 * lines it refused itself, by reason.
 */
public final class WrapperStats implements WrapperStatsMXBean {

    final AtomicLong sessionsOpen = new AtomicLong();
    final LongAdder relayed = new LongAdder();
    final LongAdder refusedTransient = new LongAdder();
    final LongAdder refusedPermanent = new LongAdder();
    final LongAdder routeFailures = new LongAdder();
    final LongAdder tooBig = new LongAdder();
    final LongAdder largeMessages = new LongAdder();
    final LongAdder noMemory = new LongAdder();
    final LongAdder upstreamConnects = new LongAdder();
    final LongAdder upstreamReused = new LongAdder();
    private final Map<CommandRefusal, LongAdder> refusedCommands = new EnumMap<>(CommandRefusal.class);
    private volatile EngagementTracking tracking;

    WrapperStats() {
        // filled once, read only after: every reason shows in JMX and Prometheus, at zero until it happens
        for (CommandRefusal r : CommandRefusal.values()) {
            refusedCommands.put(r, new LongAdder());
        }
    }

    /** The rewrite step whose counts are shown beside the proxy's. */
    public void tracking(EngagementTracking tracking) {
        this.tracking = tracking;
    }

    void finalReply(SmtpReply r) {
        if (r.code() < 400) {
            relayed.increment();
        } else if (r.code() < 500) {
            refusedTransient.increment();
        } else {
            refusedPermanent.increment();
        }
    }

    void commandRefused(CommandRefusal reason) {
        refusedCommands.get(reason).increment();
    }

    long commandsRefused(CommandRefusal reason) {
        return refusedCommands.get(reason).sum();
    }

    @Override
    public long getCommandsRefused() {
        return refusedCommands.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public Map<String, Long> getCommandsRefusedByReason() {
        Map<String, Long> m = new TreeMap<>();
        refusedCommands.forEach((k, v) -> m.put(k.label(), v.sum()));
        return m;
    }

    @Override
    public long getSessionsOpen() {
        return Math.max(0, sessionsOpen.get());
    }

    @Override
    public long getMessagesRelayed() {
        return relayed.sum();
    }

    @Override
    public long getMessagesRefusedTransient() {
        return refusedTransient.sum();
    }

    @Override
    public long getMessagesRefusedPermanent() {
        return refusedPermanent.sum();
    }

    @Override
    public long getRouteFailures() {
        return routeFailures.sum();
    }

    @Override
    public long getMessagesTooBig() {
        return tooBig.sum();
    }

    @Override
    public long getMessagesOverMemory() {
        return noMemory.sum();
    }

    @Override
    public long getUpstreamConnections() {
        return upstreamConnects.sum();
    }

    @Override
    public long getUpstreamSessionsReused() {
        return upstreamReused.sum();
    }

    @Override
    public long getLargeMessages() {
        return largeMessages.sum();
    }

    @Override
    public long getMessagesTracked() {
        return tracking == null ? 0 : tracking.rewritten();
    }

    @Override
    public long getMessagesUnparseable() {
        return tracking == null ? 0 : tracking.unparseable();
    }

    @Override
    public long getHtmlPartsParsedWithPositions() {
        return tracking == null ? 0 : tracking.htmlParsedWithPositions();
    }

    @Override
    public long getMessagesUntracked() {
        return tracking == null ? 0 : tracking.unchanged();
    }

    @Override
    public Map<String, Long> getMimeFaultsByReason() {
        Map<String, Long> m = new TreeMap<>();
        for (MimeFault f : MimeFault.values()) {
            m.put(f.label(), mimeFaults(f));
        }
        return m;
    }

    long mimeFaults(MimeFault fault) {
        return tracking == null ? 0 : tracking.faults(fault);
    }
}
