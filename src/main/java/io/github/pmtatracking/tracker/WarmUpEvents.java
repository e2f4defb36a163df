package io.github.pmtatracking.tracker;

import java.util.function.BiFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.WaitForTaskToComplete;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaComponent;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up's events, for the JIT to compile the way of an event to Redis as well. They take the
 * tracker route's way into tracker-events' buffer, which hands them to a route of the warm-up's
 * own, the twin of {@code tracker-events} (the same seda queue class, aggregate and RPUSH bean,
 * through the process's Redis connections), onto a scratch list that is deleted after. They never
 * reach tracker-events itself: a step a user added there (a copy to a broker, a file) would
 * receive them. Measured without it: after a 20 s warm-up of the listener
 * alone, the first 2 s of load compiled 2,400 more methods, most of them Lettuce's, Spring Data
 * Redis's and Camel's aggregate, and ran at a third of the warm rate.
 */
final class WarmUpEvents extends RouteBuilder implements AutoCloseable {

    static final String ROUTE_ID = "tracker-warm-up-events";
    private static final Logger LOG = LoggerFactory.getLogger(WarmUpEvents.class);

    private final TrackerStats scratchStats = new TrackerStats();
    private final TrackerEventBuffer queue = new TrackerEventBuffer(10_000, scratchStats);
    private final RedisEventList scratch;
    private final Runnable deleteScratch;
    private final TrackerEventBuffer trackerEvents;
    private boolean started;

    /**
     * {@code scratch}: the RPUSH bean onto the scratch list, given this route's queue and counters
     * (not the tracker's); {@code deleteScratch} deletes that list.
     */
    WarmUpEvents(TrackerEventBuffer trackerEvents, BiFunction<TrackerEventBuffer, TrackerStats, RedisEventList> scratch,
                 Runnable deleteScratch) {
        this.trackerEvents = trackerEvents;
        this.scratch = scratch.apply(queue, scratchStats);
        this.deleteScratch = deleteScratch;
    }

    @Override
    public void configure() {
        CamelContext camel = getContext();
        SedaEndpoint endpoint = new SedaEndpoint("seda://" + ROUTE_ID, camel.getComponent("seda", SedaComponent.class), queue);
        endpoint.setSize(queue.remainingCapacity());
        endpoint.setDiscardWhenFull(true);
        endpoint.setWaitForTaskToComplete(WaitForTaskToComplete.Never);
        // what Camel does with an exception here is left unsaid: Redis away is the real route's to report
        onException(Exception.class).handled(true);
        from(endpoint).routeId(ROUTE_ID)
                .aggregate(constant(ROUTE_ID), new GroupedBodyAggregationStrategy())
                .aggregationRepository(new MemoryAggregationRepository()) // as the default, without saying so in the log
                .completionSize(1000)
                .completionPredicate(exchange -> queue.isEmpty())
                .executorService(new SynchronousExecutorService())
                .bean(scratch, "rpush");
    }

    /** Starts the route in {@code camel}, and tracker-events' buffer hands it the warm-up's events. */
    void start(CamelContext camel) throws Exception {
        camel.addRoutes(this);
        started = true;
        trackerEvents.warmUpTo(queue);
    }

    @Override
    public void close() {
        try {
            trackerEvents.warmUpTo(null);
            if (!started) {
                return;
            }
            getContext().getRouteController().stopRoute(ROUTE_ID);
            getContext().removeRoute(ROUTE_ID);
            deleteScratch.run();
        } catch (Exception e) {
            LOG.warn("The tracker's warm-up did not end cleanly: {}", e.toString());
        }
    }
}
