package io.github.pmtatracking.redis;

import io.github.pmtatracking.config.Settings;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * {@code redis.wait_replicas}: a write counts as done only once this many replicas have it.
 * Redis replicates asynchronously, so a master killed with -9 takes with it what its replicas had
 * not received; {@code WAIT} after the write, on the same connection, returns once the replicas
 * have it or the timeout ({@code redis.wait_timeout_ms}) passed. Fewer replicas than asked is a
 * {@link QueryTimeoutException}, which the routes' {@code retry-while-away} policy retries like a
 * Redis that is away: the caller keeps its work (the tracker its events) and writes it again.
 *
 * <p>{@code auto} (the default) is 1 with Sentinel and 0 with one server. With 1, keep two
 * replicas: after a failover the new master has one left, and writes go on.
 */
public final class ReplicaAcks {

    /** Writes wait for no replica (one server, tests). */
    public static final ReplicaAcks NONE = new ReplicaAcks(0, 1);

    private final int replicas;
    private final long timeoutMillis;

    public ReplicaAcks(int replicas, long timeoutMillis) {
        if (replicas < 0 || timeoutMillis < 1) {
            throw new IllegalArgumentException("redis.wait_replicas is auto, 0 or more, and redis.wait_timeout_ms 1 or more");
        }
        this.replicas = replicas;
        this.timeoutMillis = timeoutMillis;
    }

    /** From redis.wait_replicas (auto: 1 with Sentinel, else 0) and redis.wait_timeout_ms. */
    public static ReplicaAcks of(Settings s) {
        String wait = s.text("redis.wait_replicas").trim();
        int n = wait.equalsIgnoreCase("auto") ? (RedisAddress.parse(s.text("redis.url")).isSentinel() ? 1 : 0) : Integer.parseInt(wait);
        if (n > 0 && s.flag("redis.cluster")) {
            // WAIT goes to one node, not to the one each key lives on
            throw new IllegalArgumentException("redis.wait_replicas is for Sentinel; with redis.cluster it is auto or 0");
        }
        return new ReplicaAcks(n, s.wholeNumber("redis.wait_timeout_ms"));
    }

    public int replicas() {
        return replicas;
    }

    /**
     * WAIT on the connection the caller just wrote on (Spring's connection over Lettuce's shared
     * native one, the same the write went over); returns at once when no replica is asked for.
     *
     * @throws QueryTimeoutException fewer replicas than asked have the writes within the timeout
     */
    public void await(RedisConnection c) {
        if (replicas == 0) {
            return;
        }
        @SuppressWarnings("unchecked")
        RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) c.getNativeConnection();
        Long acked;
        try {
            acked = commands.waitForReplication(replicas, timeoutMillis).get(timeoutMillis + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryTimeoutException("interrupted while waiting for replicas", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new RedisConnectionFailureException("WAIT for " + replicas + " replicas failed: " + e.getMessage(), e);
        }
        if (acked == null || acked < replicas) {
            throw new QueryTimeoutException((acked == null ? 0 : acked) + " of " + replicas
                    + " replicas had the write after " + timeoutMillis + " ms (redis.wait_replicas): it is written again");
        }
    }
}
