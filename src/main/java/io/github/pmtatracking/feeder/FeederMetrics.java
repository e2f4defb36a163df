package io.github.pmtatracking.feeder;

import io.github.pmtatracking.engagement.EngagementCounts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;

/**
 * The feeder's counters for Prometheus, read from {@link FeederStats} at scrape time:
 * {@code pmta_feeder_batches_total{outcome="sent|retried|dead_lettered"}},
 * {@code pmta_feeder_events_delivered_total}, {@code pmta_feeder_events_dead_lettered_total},
 * {@code pmta_feeder_events_in_flight}, {@code pmta_queue_length} (events waiting in Redis), and
 * the opens and clicks by human or machine ({@link EngagementCounts}).
 */
public final class FeederMetrics implements MeterBinder {

    private final FeederStats stats;
    private final EngagementCounts engagement;

    public FeederMetrics(FeederStats stats, EngagementCounts engagement) {
        this.stats = stats;
        this.engagement = engagement;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        engagement.bindTo(registry);
        batches(registry, "sent", FeederStats::getBatchesSent);
        batches(registry, "retried", FeederStats::getBatchesRetried);
        batches(registry, "dead_lettered", FeederStats::getBatchesDeadLettered);
        FunctionCounter.builder("pmta.feeder.events.delivered", stats, FeederStats::getEventsDelivered)
                .description("Events the ingest API (or the ingest files) took")
                .register(registry);
        FunctionCounter.builder("pmta.feeder.events.dead.lettered", stats, FeederStats::getEventsDeadLettered)
                .description("Events moved to the dead-letter list after the API refused their batch for good")
                .register(registry);
        Gauge.builder("pmta.feeder.events.in.flight", stats, FeederStats::getEventsInFlight)
                .description("Events claimed from the queue by this feeder, not yet acknowledged")
                .register(registry);
        // LLEN at scrape time; NaN while Redis does not answer
        Gauge.builder("pmta.queue.length", stats, s -> {
                    long n = s.getQueueLength();
                    return n < 0 ? Double.NaN : n;
                })
                .description("Events waiting in the Redis queue (trk_queue)")
                .register(registry);
    }

    private void batches(MeterRegistry registry, String outcome, ToDoubleFunction<FeederStats> count) {
        FunctionCounter.builder("pmta.feeder.batches", stats, count)
                .tag("outcome", outcome)
                .description("Batches posted to the ingest API, by outcome")
                .register(registry);
    }
}
