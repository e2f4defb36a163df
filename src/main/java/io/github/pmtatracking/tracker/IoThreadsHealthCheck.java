package io.github.pmtatracking.tracker;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: every I/O thread of the tracker's listener runs a task within a second. The route runs
 * on these threads, so one that does not is stuck (a blocking call, a wait on itself) and the
 * connections it serves get no answer, while the route and Redis both look fine. A listener that
 * cannot answer must not say it is ready.
 */
public final class IoThreadsHealthCheck extends AbstractHealthCheck {

    private static final long WAIT_MILLIS = 1000;

    private final EventLoopGroup threads;

    public IoThreadsHealthCheck(EventLoopGroup threads) {
        super("pmta", "tracker-io");
        this.threads = threads;
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
        List<Future<?>> pings = new ArrayList<>();
        int n = 0;
        try {
            for (EventExecutor thread : threads) {
                pings.add(thread.submit(() -> { }));
                n++;
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            builder.down().message("the tracker's I/O threads are shut down");
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        int stuck = 0;
        for (Future<?> ping : pings) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!ping.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                stuck++;
                ping.cancel(false);
            }
        }
        builder.detail("tracker.io.threads", n);
        builder.detail("tracker.io.threads.stuck", stuck);
        if (stuck == 0) {
            builder.up();
        } else {
            builder.down().message(stuck + " of the tracker's " + n + " I/O threads did not run a task within "
                    + WAIT_MILLIS + " ms: connections on them get no answer");
        }
    }
}
