package io.github.pmtatracking.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The process's one way to Redis: a Spring Data Redis {@link LettuceConnectionFactory} built from
 * {@code redis.url}, bound in the registry as {@value #BEAN} for {@code spring-redis:} endpoints
 * and for the steps that need Lettuce's pipelining or asynchronous commands (through
 * {@link LettuceConnectionFactory#getConnection()}'s native connection): one server, or a master
 * found through Sentinel, which Lettuce follows across a failover. Cluster comes through this same place.
 *
 * <p>Connections are made on first use, so a service starts while Redis is down; commands fail
 * fast while Redis is away (the route keeps its work and retries through its error policy) and
 * time out rather than hang.
 */
public final class RedisConnections implements AutoCloseable {

    /** The registry name of the connection factory. */
    public static final String BEAN = "redisConnectionFactory";

    private final RedisAddress address;
    private final Duration commandTimeout;
    private final boolean cluster;
    private LettuceConnectionFactory factory;

    public RedisConnections(RedisAddress address, Duration commandTimeout) {
        this(address, commandTimeout, false);
    }

    /** @param cluster redis.cluster: the address names a Redis Cluster's seed nodes */
    public RedisConnections(RedisAddress address, Duration commandTimeout, boolean cluster) {
        this.address = address;
        this.commandTimeout = commandTimeout;
        this.cluster = cluster;
    }

    /**
     * Built on first use: loading Spring Data Redis and starting Lettuce's event loops takes a
     * second or more of a cold JVM, which a process whose steps do not use them yet (or not
     * before their first record) should not wait for at start.
     */
    private synchronized LettuceConnectionFactory build() {
        if (factory != null) {
            return factory;
        }
        RedisURI uri = address.uri();
        RedisConfiguration server = servers(uri);
        if (uri.getUsername() != null) {
            ((RedisConfiguration.WithAuthentication) server).setUsername(uri.getUsername());
        }
        if (uri.getPassword() != null) {
            ((RedisConfiguration.WithAuthentication) server).setPassword(RedisPassword.of(uri.getPassword()));
        }
        // a Cluster's client needs cluster options: the same settings, and the topology refreshed
        // when a node fails over or slots move
        ClientOptions options = cluster
                ? common(ClusterClientOptions.builder()
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers().build()))
                        .build()
                : common(ClientOptions.builder()).build();
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                .commandTimeout(commandTimeout)
                .clientOptions(options);
        if (uri.isSsl()) {
            client.useSsl();
        }
        factory = new LettuceConnectionFactory(server, client.build());
        factory.setEagerInitialization(false); // start while Redis is down
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /**
     * Where Redis is: a Cluster's seed nodes (Lettuce learns the topology from them and follows
     * MOVED and ASK), the Sentinels (Lettuce asks them for the master, and again after a
     * failover), or one server.
     */
    private RedisConfiguration servers(RedisURI uri) {
        if (cluster) {
            RedisClusterConfiguration nodes = new RedisClusterConfiguration();
            for (RedisURI n : address.nodes()) {
                nodes.clusterNode(n.getHost(), n.getPort());
            }
            return nodes;
        }
        if (address.isSentinel()) {
            RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration().master(uri.getSentinelMasterId());
            for (RedisURI s : uri.getSentinels()) {
                sentinel.sentinel(s.getHost(), s.getPort());
            }
            sentinel.setDatabase(uri.getDatabase());
            return sentinel;
        }
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        server.setDatabase(uri.getDatabase());
        return server;
    }

    /** Reconnects by itself, refuses commands at once while disconnected, and times out rather than hangs. */
    private <B extends ClientOptions.Builder> B common(B b) {
        b.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                // a Redis host that drops packets costs no more than a command would
                .socketOptions(SocketOptions.builder().connectTimeout(min(commandTimeout, Duration.ofSeconds(10))).build());
        return b;
    }

    /** The factory, started; closed by {@link #close()} after every dataflow stopped. */
    public LettuceConnectionFactory factory() {
        return build();
    }

    /**
     * A connection of the caller's own from the factory's Lettuce client (same options, same
     * event loops), for a step whose commands must not share the multiplexed connection: manual
     * flushing of a pipeline, or a health check that must not queue behind one. Throws a
     * RedisException while Redis is away; the caller closes it.
     */
    public StatefulConnection<String, String> dedicated() {
        Object client = build().getRequiredNativeClient();
        return client instanceof RedisClusterClient c ? c.connect() : ((RedisClient) client).connect();
    }

    /** PING on a connection from {@link #dedicated()}. */
    public static String ping(StatefulConnection<String, String> c) {
        return c instanceof StatefulRedisClusterConnection<String, String> cc ? cc.sync().ping()
                : ((StatefulRedisConnection<String, String>) c).sync().ping();
    }

    public RedisAddress address() {
        return address;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    @Override
    public synchronized void close() {
        if (factory != null) {
            factory.destroy();
        }
    }
}
