package io.github.pmtatracking.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one place Lettuce clients are made: connections made on first use, so a service can start
 * while Redis is down; commands fail fast while Redis is away (the caller keeps its work and
 * retries) and time out rather than hang.
 */
public final class RedisConnector implements AutoCloseable {

    // Lettuce's event loops, computation pool and timer, shared by every connector of the process
    // (each RedisClient.create(uri) would start a set of its own); shut down with the last connector
    private static ClientResources shared;
    private static int users;

    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> connection;
    private boolean closed;

    public RedisConnector(RedisAddress address, Duration commandTimeout) {
        this.client = RedisClient.create(acquireResources(), address.uri());
        this.client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                // a Redis host that drops packets costs no more than a command would
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(commandTimeout.compareTo(Duration.ofSeconds(10)) < 0 ? commandTimeout : Duration.ofSeconds(10))
                        .build())
                .build());
    }

    /**
     * A connection of the caller's own (for manual flushing, which a shared connection must not
     * have), with the same options; throws a RedisException when Redis is down.
     */
    public StatefulRedisConnection<String, String> connectDedicated() {
        return client.connect();
    }

    /** Synchronous commands; connects first if needed (throws a RedisException when Redis is down). */
    public RedisCommands<String, String> sync() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = client.connect();
                    connection = c;
                }
            }
        }
        return c.sync();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (connection != null) {
            connection.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        releaseResources();
    }

    private static synchronized ClientResources acquireResources() {
        if (shared == null) {
            shared = DefaultClientResources.create();
        }
        users++;
        return shared;
    }

    private static synchronized void releaseResources() {
        if (--users == 0) {
            shared.shutdown(0, 1, TimeUnit.SECONDS);
            shared = null;
        }
    }
}
