package io.github.pmtatracking.tracker;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: down while the tracker warms up at start ({@link TrackerWarmUp}), so a load balancer
 * sends a campaign's traffic to a warm tracker meanwhile. The listener serves whoever comes anyway.
 */
public final class WarmUpHealthCheck extends AbstractHealthCheck {

    private final TrackerWarmUp warmUp;

    public WarmUpHealthCheck(TrackerWarmUp warmUp) {
        super("pmta", "tracker-warm-up");
        this.warmUp = warmUp;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (warmUp.running()) {
            builder.down().message("warming up (tracker.warmup_seconds)");
        } else {
            builder.up();
        }
    }
}
