package io.github.pmtatracking.tracker;

import io.github.pmtatracking.config.HostPort;
import io.github.pmtatracking.config.Settings;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.QueueKeys;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.redis.ReplicaAcks;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Predicate;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The beans {@code routes/tracker.yaml} names, built from the settings, plus the tracker's counters
 * ({@code trackerStats}, shown in JMX as {@code io.github.pmtatracking:type=tracker,name=stats}, and
 * {@code trackerMetrics} for Prometheus). Redis is the process's {@code redisConnectionFactory}.
 */
public final class TrackerConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(TrackerConfiguration.class);

    private final TrackerStats stats = new TrackerStats();
    private TrackerEventBuffer buffer;
    private LinkCodec codec;
    private TrackerWarmUp warmUp;
    private EventLoopGroup ioThreads;
    private volatile RedisEventList redisEventList;

    @BindToRegistry("trackerStats")
    public TrackerStats trackerStats() {
        return stats;
    }

    @BindToRegistry("trackerMetrics")
    public TrackerMetrics trackerMetrics() {
        return new TrackerMetrics(stats);
    }

    /** Decode: the link's event, or why there is none. */
    @BindToRegistry("trackingRequest")
    public TrackingRequestProcessor trackingRequest(CamelContext camel) {
        Settings s = Settings.of(camel);
        return new TrackingRequestProcessor(codec(camel), new ClientAddress(s.text("tracker.trusted_proxies")), stats,
                s.flag("tracker.log_events"), s.flag("tracker.queue_head_requests"), warmUp(camel));
    }

    @BindToRegistry("trackingPixel")
    public TrackingAnswer trackingPixel() {
        return new TrackingAnswer(TrackingAnswer.Kind.PIXEL);
    }

    @BindToRegistry("trackingRedirect")
    public TrackingAnswer trackingRedirect() {
        return new TrackingAnswer(TrackingAnswer.Kind.REDIRECT);
    }

    @BindToRegistry("trackingRefusal")
    public TrackingAnswer trackingRefusal() {
        return new TrackingAnswer(TrackingAnswer.Kind.REFUSAL);
    }

    /** Only Camel's internal headers are kept out of answers (netty-http's default also drops Cache-Control). */
    @BindToRegistry("trackerHeaderFilter")
    public DefaultHeaderFilterStrategy trackerHeaderFilter() {
        DefaultHeaderFilterStrategy headers = new DefaultHeaderFilterStrategy();
        headers.setOutFilterStartsWith(DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        headers.setInFilterStartsWith(DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        return headers;
    }

    /** The listener's framing, one {@link HttpConnectionGuard} per connection (the endpoint's {@code encoders}). */
    @BindToRegistry("trackerConnectionGuard")
    public HttpConnectionGuards trackerConnectionGuard(CamelContext camel) {
        Settings s = Settings.of(camel);
        return new HttpConnectionGuards(stats, s.positive("tracker.header_timeout_seconds") * 1000L,
                s.positive("tracker.keepalive_timeout_seconds") * 1000L);
    }

    /** The listener's own I/O threads, so their health can be checked and their names say whose they are. */
    @BindToRegistry(value = "trackerIoThreads", destroyMethod = "shutdownGracefully")
    public EventLoopGroup trackerIoThreads(CamelContext camel) {
        return ioThreads(camel);
    }

    @BindToRegistry("trackerIoHealthCheck")
    public IoThreadsHealthCheck trackerIoHealthCheck(CamelContext camel) {
        return new IoThreadsHealthCheck(ioThreads(camel));
    }

    /** The warm-up at start (tracker.warmup_seconds). */
    @BindToRegistry("trackerWarmUp")
    public TrackerWarmUp trackerWarmUp(CamelContext camel) {
        return warmUp(camel);
    }

    @BindToRegistry("trackerWarmUpHealthCheck")
    public WarmUpHealthCheck trackerWarmUpHealthCheck(CamelContext camel) {
        return new WarmUpHealthCheck(warmUp(camel));
    }

    /** The queue of seda:tracker-events, bounded at tracker.buffer_size. */
    @BindToRegistry("trackerEventBuffer")
    public TrackerEventBuffer trackerEventBuffer(CamelContext camel) {
        return buffer(camel);
    }

    /**
     * The batch's completion: nothing more waits in the buffer. A predicate bean (the ref language)
     * rather than a bean method call, which would copy the exchange and bind the call for every event.
     */
    @BindToRegistry("trackerEventBufferEmpty")
    public Predicate trackerEventBufferEmpty(CamelContext camel) {
        TrackerEventBuffer events = buffer(camel);
        return exchange -> events.isEmpty();
    }

    /** The events of one batch as a list, the body of the RPUSH step. */
    @BindToRegistry("trackerEventBatches")
    public GroupedBodyAggregationStrategy trackerEventBatches() {
        return new GroupedBodyAggregationStrategy();
    }

    /**
     * The aggregate's executor: runs each completed batch in the thread that completed it, the
     * events route's one consumer thread. The aggregate's own default is a thread of its own with
     * a queue, which would empty the bounded buffer into an unbounded one while Redis is away.
     */
    @BindToRegistry("trackerEventsThread")
    public SynchronousExecutorService trackerEventsThread() {
        return new SynchronousExecutorService();
    }

    /** For a copy of every event (a wireTap in tracker-events): one thread, in order, never holding up the route. */
    @BindToRegistry(value = "trackerCopyThread", destroyMethod = "shutdown")
    public EventCopyThread trackerCopyThread(CamelContext camel) {
        return new EventCopyThread((int) Settings.of(camel).positive("tracker.buffer_size"), stats);
    }

    /** Made when the route is built: the connection factory is bound by then (in a test too). */
    @BindToRegistry(value = "redisEventList", lazy = true)
    public RedisEventList redisEventList(CamelContext camel) {
        Settings s = Settings.of(camel);
        redisEventList = new RedisEventList(redisFactory(camel), QueueKeys.of(s).queue(), RedisAddress.parse(s.text("redis.url")).display(),
                stats, buffer(camel), ReplicaAcks.of(s));
        return redisEventList;
    }

    private static LettuceConnectionFactory redisFactory(CamelContext camel) {
        LettuceConnectionFactory factory = camel.getRegistry()
                .lookupByNameAndType(RedisConnections.BEAN, LettuceConnectionFactory.class);
        if (factory == null) {
            throw new IllegalStateException("no " + RedisConnections.BEAN + " in the registry");
        }
        return factory;
    }

    /** The warm-up's events route, onto a scratch list beside the queue (the same hash slot in a cluster). */
    private WarmUpEvents warmUpEvents(CamelContext camel) {
        Settings s = Settings.of(camel);
        LettuceConnectionFactory factory = redisFactory(camel);
        String scratch = QueueKeys.of(s).queue() + ":warm-up";
        StringRedisTemplate redis = new StringRedisTemplate(factory);
        redis.afterPropertiesSet();
        return new WarmUpEvents(buffer(camel), (queue, counters) -> new RedisEventList(factory, scratch,
                RedisAddress.parse(s.text("redis.url")).display(), counters, queue, ReplicaAcks.of(s)),
                () -> redis.delete(scratch));
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings s = Settings.of(camel);
        HostPort listen = HostPort.parse(s.text("tracker.in_hostport"), "-in_hostport");
        boolean signed = !s.text("link.secret").isEmpty();
        LOG.info("tracker listening on {}, events to {} at {} (buffer {}), links {}", listen, QueueKeys.of(s).queue(),
                RedisAddress.parse(s.text("redis.url")).display(), s.text("tracker.buffer_size"),
                !signed ? "unsigned" : s.flag("tracker.accept_unsigned") ? "signed (unsigned accepted)" : "signed");
        // at start, the listener's request path compiled by the JIT before the process says it has started
        camel.addStartupListener(warmUp(camel));
        // stopped after the routes: says what a stop left behind (Redis away past the shutdown timeout)
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                RedisEventList list = redisEventList;
                int lost = list == null ? 0 : list.notPushed();
                if (lost > 0) {
                    LOG.error("Stopped with {} events not pushed to Redis at {}", lost, list.display());
                }
            }
        });
    }

    private synchronized LinkCodec codec(CamelContext camel) {
        if (codec == null) {
            Settings s = Settings.of(camel);
            codec = LinkCodec.builder()
                    .secret(s.text("link.secret"))
                    .acceptUnsigned(s.flag("tracker.accept_unsigned"))
                    .maxPathLength(s.wholeNumber("link.max_path_length"))
                    .maxInflatedBytes(s.wholeNumber("link.max_inflated_bytes"))
                    .build();
        }
        return codec;
    }

    private synchronized TrackerWarmUp warmUp(CamelContext camel) {
        if (warmUp == null) {
            Settings s = Settings.of(camel);
            warmUp = new TrackerWarmUp(s.wholeNumber("tracker.warmup_seconds"),
                    HostPort.parse(s.text("tracker.in_hostport"), "-in_hostport"),
                    NativeTransportFunction.epoll(s.text("tracker.io_transport")), codec(camel), stats,
                    () -> warmUpEvents(camel));
        }
        return warmUp;
    }

    private synchronized TrackerEventBuffer buffer(CamelContext camel) {
        if (buffer == null) {
            buffer = new TrackerEventBuffer(Math.toIntExact(Settings.of(camel).positive("tracker.buffer_size")), stats);
        }
        return buffer;
    }

    private synchronized EventLoopGroup ioThreads(CamelContext camel) {
        if (ioThreads == null) {
            // epoll where it loads (tracker.io_transport): fewer system calls per request than NIO's
            // selector, as the wrapper found (README, Benchmarks)
            DefaultThreadFactory threads = new DefaultThreadFactory("tracker-io", true);
            ioThreads = NativeTransportFunction.epoll(Settings.of(camel).text("tracker.io_transport"))
                    ? new EpollEventLoopGroup(0, threads) : new NioEventLoopGroup(0, threads);
        }
        return ioThreads;
    }
}
