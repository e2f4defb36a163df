package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Readiness follows the tracker's I/O threads: one that is stuck makes the tracker not ready. */
class IoThreadsHealthCheckTest {

    @Test
    void aStuckIoThreadMakesTheTrackerNotReadyUntilItRunsAgain() throws Exception {
        NioEventLoopGroup threads = new NioEventLoopGroup(3);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            IoThreadsHealthCheck check = new IoThreadsHealthCheck(threads);
            check.setCamelContext(camel);
            assertEquals(HealthCheck.State.UP, check.call(Map.of()).getState());

            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch parked = new CountDownLatch(1);
            threads.next().execute(() -> { // what a read of a stream fed by this same thread did
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            parked.await();
            HealthCheck.Result stuck = check.call(Map.of());
            assertEquals(HealthCheck.State.DOWN, stuck.getState());
            assertTrue(stuck.getMessage().orElse("").startsWith("1 of the tracker's 3 I/O threads"), stuck.getMessage().toString());

            release.countDown();
            assertEquals(HealthCheck.State.UP, check.call(Map.of()).getState());

            threads.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
            assertEquals(HealthCheck.State.DOWN, check.call(Map.of()).getState());
        } finally {
            threads.shutdownGracefully();
        }
    }
}
