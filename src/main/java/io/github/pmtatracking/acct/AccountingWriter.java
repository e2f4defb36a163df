package io.github.pmtatracking.acct;

import io.github.pmtatracking.redis.ReplicaAcks;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

/**
 * Writes a batch of accounting records to Redis through Spring Data Redis: {@code SET
 * msgID_<id> <json> EX <ttl>} for each delivery record, {@code SET acct_headers <json>} for a
 * header record. A failure is thrown back to the route, whose error policy (retry-while-away) keeps
 * the batch and tries again; this class only says once that Redis is away and once that it is back.
 */
public final class AccountingWriter {

    private static final Logger LOG = LoggerFactory.getLogger(AccountingWriter.class);

    /**
     * SET of every key of a batch, each with its TTL (0: none), in one command on the factory's
     * shared connection. Measured against a Spring Data Redis pipeline of SETs (a connection of its
     * own, flushed once per batch) for 1M records: the pipeline cost Redis 4 s less but the JVM
     * 5 s more (Lettuce's event loop 3.7 s, the writer 1.4 s), about 16% more CPU in all on two
     * cores, so one script call per batch stays, as before. The batch is applied whole or not at
     * all, and SET is idempotent, so a batch tried again is harmless.
     */
    static final byte[] SET_ALL = """
            for i = 1, #KEYS do
              local ttl = tonumber(ARGV[2 * i])
              if ttl > 0 then
                redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'EX', ttl)
              else
                redis.call('SET', KEYS[i], ARGV[2 * i - 1])
              end
            end
            return #KEYS
            """.getBytes(StandardCharsets.UTF_8);

    private final Supplier<RedisConnectionFactory> redis;
    private final String where;
    private final AccountingBatches batches;
    private final ReplicaAcks replicas;
    private final LongAdder stored = new LongAdder();
    private final LongAdder deliveriesStored = new LongAdder();
    private volatile long outageStartedNanos; // 0 while Redis answers

    /**
     * {@code redis}: the process's connection factory, looked up at the first command (it is built
     * on first use); with redis.wait_replicas a batch is stored once that many replicas have it.
     */
    public AccountingWriter(Supplier<RedisConnectionFactory> redis, String where, AccountingBatches batches, ReplicaAcks replicas) {
        this.redis = redis;
        this.where = where;
        this.batches = batches;
        this.replicas = replicas;
    }

    /** Writes the batch, as one script call; throws if Redis did not take it. */
    public void write(RedisBatch batch) {
        if (batch.size() == 0) {
            return;
        }
        RedisConnectionFactory factory = redis.get();
        if (factory instanceof LettuceConnectionFactory lettuce && lettuce.getClusterConfiguration() != null) {
            writeToCluster(lettuce, batch);
            confirmed(batch.size(), batch.deliveries());
            return;
        }
        try (RedisConnection c = factory.getConnection()) {
            c.scriptingCommands().eval(SET_ALL, ReturnType.INTEGER, batch.size(), batch.keysAndArgs());
            replicas.await(c); // not counted stored before a replica has it: the route writes it again
        } catch (DataAccessException e) {
            throw away(e);
        }
        confirmed(batch.size(), batch.deliveries());
    }

    /**
     * In a Redis Cluster the keys of a batch live on every node, and a script may only touch one
     * slot: each record is its own SET ... EX, all sent at once on Lettuce's cluster connection,
     * which routes each to its node and pipelines per node; the batch counts as stored when every
     * one is confirmed. SET is idempotent, so a batch tried again after a failure is harmless.
     */
    private void writeToCluster(LettuceConnectionFactory factory, RedisBatch batch) {
        try (RedisClusterConnection c = factory.getClusterConnection()) {
            @SuppressWarnings("unchecked")
            RedisClusterAsyncCommands<byte[], byte[]> commands = (RedisClusterAsyncCommands<byte[], byte[]>) c.getNativeConnection();
            List<RedisFuture<String>> sets = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                long ttl = batch.ttl(i);
                sets.add(ttl > 0 ? commands.set(batch.key(i), batch.value(i), SetArgs.Builder.ex(ttl))
                        : commands.set(batch.key(i), batch.value(i)));
            }
            for (RedisFuture<String> f : sets) {
                f.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryTimeoutException("interrupted while writing to the cluster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw away(new RedisConnectionFailureException("the cluster did not take a batch: " + e.getMessage(), e));
        } catch (DataAccessException e) {
            throw away(e);
        }
    }

    /** The value of a key, or null; throws while Redis is away (the route's retry policy waits). */
    public String get(String key) {
        try (RedisConnection c = redis.get().getConnection()) {
            byte[] v = c.stringCommands().get(utf8(key));
            return v == null ? null : new String(v, StandardCharsets.UTF_8);
        } catch (DataAccessException e) {
            throw away(e);
        }
    }

    /**
     * Redis did not take the command: says once that it is away, and returns the exception for the
     * route's retry policy (retry-while-away), which tells Redis being away from an answer it gave.
     * Lettuce refuses commands while its connection is down ("Currently not connected"), which
     * Spring Data Redis reports as a {@link RedisSystemException}, as it does an error reply.
     */
    private DataAccessException away(DataAccessException e) {
        boolean unreachable = e instanceof org.springframework.dao.DataAccessResourceFailureException
                || e instanceof RedisSystemException && e.getCause() instanceof RedisException
                        && !(e.getCause() instanceof RedisCommandExecutionException);
        if (unreachable && outageStartedNanos == 0) {
            outageStartedNanos = System.nanoTime();
            LOG.warn("Redis at {} is unreachable ({}); holding {} records and retrying until it answers",
                    where, e.getMostSpecificCause().getMessage(), batches.queued() - stored.sum());
        }
        return e;
    }

    private void confirmed(int commands, int deliveries) {
        stored.add(commands);
        deliveriesStored.add(deliveries);
        long since = outageStartedNanos;
        if (since != 0) {
            outageStartedNanos = 0;
            LOG.info("Redis at {} answers again after {} s", where, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** SET commands Redis confirmed (msgID_ keys and header records). */
    public long stored() {
        return stored.sum();
    }

    /** Delivery records Redis confirmed. */
    public long deliveriesStored() {
        return deliveriesStored.sum();
    }
}
