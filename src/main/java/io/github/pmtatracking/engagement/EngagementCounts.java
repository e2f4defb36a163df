package io.github.pmtatracking.engagement;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens and clicks as the classify step judged them, for Prometheus:
 * {@code pmta_feeder_engagement_events_total{type="open|initial_open|click", class="human|machine",
 * reason="none|apple_mpp|gmail_image_proxy|click_after_delivery|..."}}. A proxy's open (Gmail's,
 * Yahoo's) is a person's: {@code class="human"} with its reason; a prefetch is {@code class="machine"}.
 * Counted once per event per process, when classified.
 */
public final class EngagementCounts implements MeterBinder {

    private record Key(String type, String kind, String reason) {
    }

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    void classified(Engagement e) {
        Key key = new Key(e.facts().type(), e.isPrefetched() ? "machine" : "human", e.reason() == null ? "none" : e.reason());
        LongAdder n = counts.get(key);
        if (n == null) {
            n = counts.computeIfAbsent(key, k -> new LongAdder());
            MeterRegistry r = registry;
            if (r != null) {
                register(r, key, n);
            }
        }
        n.increment();
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        this.registry = registry;
        // the common series exist from the start, at 0, so a rate over them is never empty
        for (String type : new String[] {"open", "initial_open", "click"}) {
            counts.computeIfAbsent(new Key(type, "human", "none"), k -> new LongAdder());
        }
        counts.forEach((k, n) -> register(registry, k, n));
    }

    private static void register(MeterRegistry registry, Key key, LongAdder n) {
        FunctionCounter.builder("pmta.feeder.engagement.events", n, LongAdder::sum)
                .tag("type", key.type())
                .tag("class", key.kind())
                .tag("reason", key.reason())
                .description("Opens and clicks by type, person (human) or machine, and the rule that decided")
                .register(registry);
    }
}
