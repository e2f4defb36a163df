package io.github.pmtatracking.tracker;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.github.pmtatracking.redis.ReplicaAcks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of {@code tracker-events}: a batch of events onto the Redis list
 * {@code redis.queue_key}, as one {@code RPUSH key e1 e2 ...}, through the process's Spring Data
 * Redis connection factory.
 *
 * <p>Why a bean and not a {@code spring-redis:} endpoint: its RPUSH pushes one value per message,
 * one round trip per event, which one thread cannot do at the tracker's rate; a batch is one
 * command. Why a plain (synchronous) command and not Lettuce's asynchronous or pipelined ones: one
 * command per batch is all the pipelining needed, and waiting for its reply is what keeps the
 * batches in order and lets the next one gather in the buffer meanwhile; this runs on the events
 * route's own thread, never on an I/O thread.
 *
 * <p>While Redis is away the exception goes back to the route, whose {@code retry-while-away}
 * policy tries the same batch again with backoff; it is said once when Redis goes away and once
 * when it answers again.
 */
public final class RedisEventList {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventList.class);

    private final StringRedisTemplate redis;
    private final String key;
    private final byte[] keyBytes;
    private final ReplicaAcks replicas;
    private final String display;
    private final TrackerStats stats;
    private final TrackerEventBuffer buffer;
    private long outageSince; // the events route's thread only; 0 while Redis answers
    private volatile int inHand; // events of the batch being pushed

    public RedisEventList(RedisConnectionFactory factory, String key, String display, TrackerStats stats,
            TrackerEventBuffer buffer, ReplicaAcks replicas) {
        this.redis = new StringRedisTemplate(factory);
        this.redis.afterPropertiesSet(); // no Spring container here to call it
        this.key = key;
        this.keyBytes = key.getBytes(StandardCharsets.UTF_8);
        this.replicas = replicas;
        this.display = display;
        this.stats = stats;
        this.buffer = buffer;
    }

    /**
     * RPUSHes the batch and, with redis.wait_replicas, waits until the replicas have it; returns the
     * list's length, as Redis answered.
     */
    public Long rpush(List<String> events) {
        Long length;
        inHand = events.size();
        try {
            length = redis.execute((RedisCallback<Long>) c -> {
                byte[][] values = new byte[events.size()][];
                for (int i = 0; i < values.length; i++) {
                    values[i] = events.get(i).getBytes(StandardCharsets.UTF_8);
                }
                Long n = c.listCommands().rPush(keyBytes, values);
                replicas.await(c); // on the same connection: WAIT covers this RPUSH
                return n;
            });
        } catch (RuntimeException e) {
            DataAccessException away = away(e);
            if (outageSince == 0) {
                outageSince = System.currentTimeMillis();
                LOG.warn("Redis at {} is unreachable ({}); events wait in memory (up to {}) and are pushed when it is back",
                        display, rootMessage(e), buffer.size() + buffer.remainingCapacity());
            }
            throw away;
        }
        if (outageSince != 0) {
            LOG.info("Redis at {} answers again after {} s; buffered events are being pushed",
                    display, (System.currentTimeMillis() - outageSince) / 1000);
            outageSince = 0;
        }
        inHand = 0;
        stats.pushed(events.size());
        return length;
    }

    /** Events not yet in Redis: the buffer's and the batch in hand. */
    int notPushed() {
        return buffer.size() + inHand;
    }

    String display() {
        return display;
    }

    /**
     * The exception as the retry policy knows it. Lettuce rejects a command at once while its
     * connection is down ("Currently not connected"), which Spring reports as a RedisSystemException,
     * the word for a command Redis refused; here it is what it is, Redis being away.
     */
    private DataAccessException away(RuntimeException e) {
        if (e instanceof RedisSystemException && e.getCause() instanceof RedisException lettuce
                && !(lettuce instanceof RedisCommandExecutionException)) {
            return new RedisConnectionFailureException("Redis at " + display + " is not connected: " + lettuce.getMessage(), e);
        }
        if (e instanceof DataAccessException d) {
            return d;
        }
        return new RedisSystemException("RPUSH to " + key + " failed", e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
