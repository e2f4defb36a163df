package io.github.pmtatracking.tracker;

import io.github.pmtatracking.link.TrackingAction;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The tracker's counters for Prometheus ({@code /observe/metrics}), read from {@link TrackerStats}
 * at scrape time so the request path pays nothing extra:
 * {@code pmta_tracker_events_total{action}}, {@code pmta_tracker_refused_total{reason}},
 * {@code pmta_tracker_head_requests_total}, {@code pmta_tracker_buffered_events},
 * {@code pmta_tracker_events_pushed_total}, {@code pmta_tracker_events_dropped_total}, {@code pmta_tracker_copies_dropped_total}.
 */
public final class TrackerMetrics implements MeterBinder {

    private final TrackerStats stats;

    public TrackerMetrics(TrackerStats stats) {
        this.stats = stats;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TrackingAction action : TrackingAction.values()) {
            FunctionCounter.builder("pmta.tracker.events", stats, s -> s.events(action))
                    .tag("action", action.eventType())
                    .description("Opens and clicks recorded (each one an event on the queue)")
                    .register(registry);
        }
        for (String reason : TrackerStats.REFUSAL_REASONS) {
            FunctionCounter.builder("pmta.tracker.refused", stats, s -> s.refused(reason))
                    .tag("reason", reason)
                    .description("Requests answered with an error, by reason")
                    .register(registry);
        }
        for (String reason : TrackerStats.CLOSE_REASONS) {
            FunctionCounter.builder("pmta.tracker.connections.closed", stats, s -> s.closed(reason))
                    .tag("reason", reason)
                    .description("Connections the tracker closed by itself (slow, idle or oversized clients), by reason")
                    .register(registry);
        }
        FunctionCounter.builder("pmta.tracker.request.bodies.discarded", stats, TrackerStats::getRequestBodiesDiscarded)
                .description("Requests that came with a body (never read: the tracker needs none)")
                .register(registry);
        FunctionCounter.builder("pmta.tracker.head.requests", stats, TrackerStats::getHeadRequests)
                .description("HEAD requests (link scanners): answered, queued as events of their own (tracker.queue_head_requests)")
                .register(registry);
        Gauge.builder("pmta.tracker.buffered.events", stats, TrackerStats::getBuffered)
                .description("Events in memory, not yet on the Redis queue")
                .register(registry);
        FunctionCounter.builder("pmta.tracker.events.pushed", stats, TrackerStats::getPushed)
                .description("Events Redis confirmed on the queue")
                .register(registry);
        FunctionCounter.builder("pmta.tracker.events.dropped", stats, TrackerStats::getDropped)
                .description("Events dropped because the memory buffer was full (Redis away too long)")
                .register(registry);
        FunctionCounter.builder("pmta.tracker.copies.dropped", stats, TrackerStats::getCopiesDropped)
                .description("Copies of events dropped because their destination (a wireTap on trackerCopyThread) was behind")
                .register(registry);
    }
}
