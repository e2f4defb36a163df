package io.github.pmtatracking.feeder;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.testing.IngestStandIn;
import io.github.pmtatracking.testing.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What the feeder's route tests run in: a real redis-server, the HTTPS Ingest stand-in (trusted
 * through the JVM's trust store properties, as an operator's -Djavax.net.ssl.trustStore would),
 * the application's settings file with short timers, and the Redis connection factory the
 * application binds.
 */
final class FeederRouteRig implements AutoCloseable {

    static final String SETTINGS = "classpath:config/application.properties";
    static final String ID = "route-test";

    final TestRedis redis;
    final IngestStandIn api;
    final Path home;
    private final RedisConnections connections;
    private final FeederRig queueing;
    private final Map<String, String> trustBefore = new HashMap<>();

    private FeederRouteRig(TestRedis redis, IngestStandIn api) throws Exception {
        this.redis = redis;
        this.api = api;
        this.home = Files.createTempDirectory("feeder-route-home");
        this.connections = new RedisConnections(RedisAddress.parse(redis.url()), Duration.ofSeconds(10));
        this.queueing = FeederRig.over(redis, api);
        for (String option : api.trustStoreOptions()) { // -Dname=value
            String name = option.substring(2, option.indexOf('='));
            trustBefore.put(name, System.getProperty(name));
            System.setProperty(name, option.substring(option.indexOf('=') + 1));
        }
    }

    static FeederRouteRig start() throws Exception {
        return new FeederRouteRig(TestRedis.start(), IngestStandIn.start(0));
    }

    /** The settings a test overrides: short timers, as FeederRig gives the feeder processes. */
    /** The rig's settings, the stand-in as the Ingest API and {@code extra}, as the context's override properties. */
    void override(CamelContextConfiguration camel, Map<String, String> extra) {
        Properties p = properties();
        p.setProperty("feeder.sparkpost_host", api.url());
        extra.forEach(p::setProperty);
        camel.withUseOverridePropertiesWithPropertiesComponent(p);
    }

    Properties properties() {
        Properties p = new Properties();
        p.setProperty("pmta.home", home.toString());
        p.setProperty("camel.management.enabled", "false"); // no management server on a fixed port in a test JVM
        p.setProperty("feeder.id", ID);
        p.setProperty("feeder.api_key", "test-key");
        p.setProperty("feeder.poll_ms", "100");
        p.setProperty("feeder.batch_max_age", "0");
        p.setProperty("feeder.owner_ttl_seconds", "3");
        p.setProperty("feeder.retry_max_seconds", "2");
        return p;
    }

    /** The feeder's configuration as App gives it, after the process's Redis connection factory; the route files. */
    void configure(MainConfigurationProperties main, String routes) {
        main.addConfiguration(new ProcessBeans(connections.factory()));
        main.addConfiguration(new FeederConfiguration());
        main.withRoutesIncludePattern(routes);
    }

    /** What CamelApplication binds for every dataflow: here, the Redis connection factory. */
    public static final class ProcessBeans implements CamelConfiguration {
        private final LettuceConnectionFactory factory;

        ProcessBeans(LettuceConnectionFactory factory) {
            this.factory = factory;
        }

        @BindToRegistry(RedisConnections.BEAN)
        public LettuceConnectionFactory redisConnectionFactory() {
            return factory;
        }
    }

    Set<String> queue(int n, String prefix) {
        return queueing.queue(n, prefix);
    }

    long inflight() {
        return redis.commands().llen("trk_queue:inflight:" + ID);
    }

    @Override
    public void close() {
        trustBefore.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
        connections.close();
        api.close();
        redis.close();
    }
}
