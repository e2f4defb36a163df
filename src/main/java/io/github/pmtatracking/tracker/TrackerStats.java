package io.github.pmtatracking.tracker;

import io.github.pmtatracking.link.LinkRefusedException;
import io.github.pmtatracking.link.TrackingAction;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/** Counts every outcome of a tracking request. Thread-safe and cheap on the request path. */
public final class TrackerStats implements TrackerStatsMXBean {

    private final LongAdder opens = new LongAdder();
    private final LongAdder initialOpens = new LongAdder();
    private final LongAdder clicks = new LongAdder();
    private final LongAdder heads = new LongAdder();
    private final LongAdder pushed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder copiesDropped = new LongAdder();
    private final LongAdder bodiesDiscarded = new LongAdder();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> closed = new ConcurrentHashMap<>();
    private volatile LongSupplier buffered = () -> 0;

    /** Every reason a request is refused for: the link's own, plus the request's method and target. */
    static final List<String> REFUSAL_REASONS = Stream.concat(
            Arrays.stream(LinkRefusedException.Reason.values()).map(LinkRefusedException.Reason::label),
            Stream.of("method_not_allowed", "bad_target", "request_line_too_long", "headers_too_large", "malformed_request"))
            .toList();

    /** Every reason the tracker closes a connection for by itself (see {@link HttpConnectionGuard}). */
    static final List<String> CLOSE_REASONS =
            List.of("header_timeout", "keepalive_timeout", "body_timeout", "body_too_large", "malformed_body");

    public TrackerStats() {
        // known up front, so JMX and Prometheus show every reason, at zero until it happens
        REFUSAL_REASONS.forEach(r -> refused.put(r, new LongAdder()));
        CLOSE_REASONS.forEach(r -> closed.put(r, new LongAdder()));
    }

    void event(TrackingAction action) {
        switch (action) {
            case OPEN -> opens.increment();
            case INITIAL_OPEN -> initialOpens.increment();
            case CLICK -> clicks.increment();
        }
    }

    void head() {
        heads.increment();
    }

    /** Requests answered with an event or a refusal, all told (the warm-up's own are not counted). */
    long requests() {
        long n = opens.sum() + initialOpens.sum() + clicks.sum() + heads.sum();
        for (LongAdder r : refused.values()) {
            n += r.sum();
        }
        return n;
    }

    void refuse(String reason) {
        refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void bodyDiscarded() {
        bodiesDiscarded.increment();
    }

    void connectionClosed(String reason) {
        closed.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    long closed(String reason) {
        LongAdder n = closed.get(reason);
        return n == null ? 0 : n.sum();
    }

    void pushed(int n) {
        pushed.add(n);
    }

    void dropped() {
        dropped.increment();
    }

    void copyDropped() {
        copiesDropped.increment();
    }

    void bufferSize(LongSupplier size) {
        this.buffered = size;
    }

    long events(TrackingAction action) {
        return switch (action) {
            case OPEN -> opens.sum();
            case INITIAL_OPEN -> initialOpens.sum();
            case CLICK -> clicks.sum();
        };
    }

    long refused(String reason) {
        LongAdder n = refused.get(reason);
        return n == null ? 0 : n.sum();
    }

    @Override
    public long getOpens() {
        return opens.sum();
    }

    @Override
    public long getInitialOpens() {
        return initialOpens.sum();
    }

    @Override
    public long getClicks() {
        return clicks.sum();
    }

    @Override
    public long getHeadRequests() {
        return heads.sum();
    }

    @Override
    public long getRefused() {
        return refused.values().stream().mapToLong(LongAdder::sum).sum();
    }

    @Override
    public Map<String, Long> getRefusedByReason() {
        Map<String, Long> m = new TreeMap<>();
        refused.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public long getRequestBodiesDiscarded() {
        return bodiesDiscarded.sum();
    }

    @Override
    public Map<String, Long> getConnectionsClosedByReason() {
        Map<String, Long> m = new TreeMap<>();
        closed.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public long getBuffered() {
        return buffered.getAsLong();
    }

    @Override
    public long getPushed() {
        return pushed.sum();
    }

    @Override
    public long getDropped() {
        return dropped.sum();
    }

    @Override
    public long getCopiesDropped() {
        return copiesDropped.sum();
    }
}
