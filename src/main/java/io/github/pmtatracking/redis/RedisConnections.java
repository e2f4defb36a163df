package io.github.pmtatracking.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
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
    private LettuceConnectionFactory factory;

    public RedisConnections(RedisAddress address, Duration commandTimeout) {
        this.address = address;
        this.commandTimeout = commandTimeout;
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
        RedisConfiguration.WithDatabaseIndex server;
        if (address.isSentinel()) {
            // Lettuce asks the Sentinels for the master, and again after a failover
            RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration().master(uri.getSentinelMasterId());
            for (RedisURI s : uri.getSentinels()) {
                sentinel.sentinel(s.getHost(), s.getPort());
            }
            server = sentinel;
        } else {
            server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        }
        server.setDatabase(uri.getDatabase());
        if (uri.getUsername() != null) {
            ((RedisConfiguration.WithAuthentication) server).setUsername(uri.getUsername());
        }
        if (uri.getPassword() != null) {
            ((RedisConfiguration.WithAuthentication) server).setPassword(RedisPassword.of(uri.getPassword()));
        }
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                .commandTimeout(commandTimeout)
                .clientOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                        // a Redis host that drops packets costs no more than a command would
                        .socketOptions(SocketOptions.builder()
                                .connectTimeout(min(commandTimeout, Duration.ofSeconds(10))).build())
                        .build());
        if (uri.isSsl()) {
            client.useSsl();
        }
        factory = server instanceof RedisSentinelConfiguration sentinel
                ? new LettuceConnectionFactory(sentinel, client.build())
                : new LettuceConnectionFactory((RedisStandaloneConfiguration) server, client.build());
        factory.setEagerInitialization(false); // start while Redis is down
        factory.afterPropertiesSet();
        factory.start();
        return factory;
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
    public StatefulRedisConnection<String, String> dedicated() {
        return ((RedisClient) build().getRequiredNativeClient()).connect();
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
