package io.github.pmtatracking.app;

import io.github.pmtatracking.config.HostPort;
import io.github.pmtatracking.tracker.TrackerMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.tracker.ClientAddress;
import io.github.pmtatracking.tracker.HttpConnectionGuards;
import io.github.pmtatracking.tracker.IoThreadsHealthCheck;
import io.github.pmtatracking.tracker.QueueEventProcessor;
import io.github.pmtatracking.tracker.RedisEventBuffer;
import io.github.pmtatracking.tracker.TrackerStats;
import io.github.pmtatracking.tracker.TrackingRequestProcessor;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import org.apache.camel.main.Main;
import org.apache.camel.support.DefaultHeaderFilterStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The beans of the tracker, built from the settings. */
final class TrackerWiring implements Dataflow {

    private static final Logger LOG = LoggerFactory.getLogger(TrackerWiring.class);

    private final TrackerStats stats = new TrackerStats();
    private final RedisEventBuffer buffer;
    private final TrackingRequestProcessor requests;
    private final HostPort listen;
    private final HttpConnectionGuards guards;
    /** The listener's own I/O threads, so their health can be checked and their names say whose they are. */
    private final EventLoopGroup ioThreads = new NioEventLoopGroup(0, new DefaultThreadFactory("tracker-io", true));

    TrackerWiring(Settings s, RedisConnections redisConnections) {
        this.listen = HostPort.parse(s.get("tracker.in_hostport", ":8888"), "-in_hostport");
        String secret = s.get("link.secret", "");
        boolean acceptUnsigned = s.getBoolean("tracker.accept_unsigned", false);
        int maxPath = s.getInt("link.max_path_length", LinkCodec.DEFAULT_MAX_PATH_LENGTH);
        LinkCodec codec = LinkCodec.builder()
                .secret(secret)
                .acceptUnsigned(acceptUnsigned)
                .maxPathLength(maxPath)
                .maxInflatedBytes(s.getInt("link.max_inflated_bytes", LinkCodec.DEFAULT_MAX_INFLATED_BYTES))
                .build();
        RedisAddress redis = RedisAddress.parse(s.get("redis.url", RedisAddress.DEFAULT_URL));
        String queueKey = s.get("redis.queue_key", "trk_queue");
        int capacity = s.getInt("tracker.buffer_size", 100_000);
        this.buffer = new RedisEventBuffer(redis, queueKey, capacity, stats, Duration.ofSeconds(10));
        this.requests = new TrackingRequestProcessor(codec,
                new ClientAddress(s.get("tracker.trusted_proxies", ClientAddress.DEFAULT_TRUSTED)),
                stats, s.getBoolean("tracker.log_events", true));
        this.guards = new HttpConnectionGuards(stats,
                s.getInt("tracker.header_timeout_seconds", 60) * 1000L,
                s.getInt("tracker.keepalive_timeout_seconds", 75) * 1000L);
        LOG.info("tracker listening on {}, events to {} at {} (buffer {}), links {}", listen, queueKey, redis.display(),
                capacity, secret.isEmpty() ? "unsigned" : acceptUnsigned ? "signed (unsigned accepted)" : "signed");
    }

    @Override
    public void bindTo(Main main) {
        main.bind("trackingRequest", requests);
        main.bind("trackingEventQueue", new QueueEventProcessor(buffer));
        DefaultHeaderFilterStrategy headers = new DefaultHeaderFilterStrategy();
        headers.setOutFilterStartsWith(DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        headers.setInFilterStartsWith(DefaultHeaderFilterStrategy.CAMEL_FILTER_STARTS_WITH);
        main.bind("trackerHeaderFilter", headers);
        main.bind("trackerConnectionGuard", guards);
        main.bind("trackerIoThreads", ioThreads);
        main.bind("trackerIoHealthCheck", new IoThreadsHealthCheck(ioThreads));
        main.addOverrideProperty("tracker.listen_host", listen.host());
        main.addOverrideProperty("tracker.listen_port", Integer.toString(listen.port()));
    }

    @Override
    public Object stats() {
        return stats;
    }

    @Override
    public MeterBinder metrics() {
        return new TrackerMetrics(stats);
    }

    @Override
    public void close() {
        buffer.close();
        ioThreads.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
    }
}
