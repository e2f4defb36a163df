package io.github.pmtatracking.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes SET commands to Redis in batches, several in flight at once: a batch goes out when it is full or when its
 * oldest command has waited {@code maxDelay}, whichever comes first. Nothing is dropped: a command
 * that fails (Redis down, restarting, timing out) is kept and sent again with backoff until Redis
 * takes it. At most {@code maxPending} commands are held; past that {@link #set} blocks, which
 * slows the reader instead of growing memory.
 *
 * <p>All Redis traffic happens on one writer thread, so the connection's manual flushing is never
 * shared between threads. Lettuce is used directly because pipelining through a blocking template
 * costs a round trip per record.
 */
public final class PipelinedRedisWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelinedRedisWriter.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private record Command(String key, String value, long ttlSeconds) {
    }

    /**
     * SET of every key of a batch, each with its TTL (0: none), in one command. Lettuce spends a
     * few microseconds per command on its event loop, which capped pipelined SETs near 150k/s on
     * two cores; one script call per batch takes that cost once per thousand records. The batch
     * is applied whole or not at all, and SET is idempotent, so a retried batch is harmless.
     */
    static final String SET_ALL = """
            for i = 1, #KEYS do
              local ttl = tonumber(ARGV[2 * i])
              if ttl > 0 then
                redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'EX', ttl)
              else
                redis.call('SET', KEYS[i], ARGV[2 * i - 1])
              end
            end
            return #KEYS
            """;

    private final RedisAddress address;
    private final RedisConnector redis;
    private final int batchSize;
    private final long maxDelayNanos;
    private final int maxPending;
    private final Semaphore pending;
    private final ScheduledExecutorService writer;
    private final LongAdder stored = new LongAdder();

    private final Object lock = new Object();
    private List<Command> batch;
    private long batchStartedNanos;

    // writer thread only
    private StatefulRedisConnection<String, String> connection;
    private long backoffMs = MIN_BACKOFF_MS;
    private long outageStartedNanos; // 0 while Redis answers

    public PipelinedRedisWriter(RedisAddress address, int batchSize, Duration maxDelay, int maxPending) {
        this.address = address;
        this.batchSize = batchSize;
        this.maxDelayNanos = maxDelay.toNanos();
        this.maxPending = maxPending;
        this.pending = new Semaphore(maxPending);
        this.batch = new ArrayList<>(batchSize);
        this.redis = new RedisConnector(address, Duration.ofSeconds(10));
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-writer");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(1, maxDelay.toMillis() / 5);
        writer.scheduleWithFixedDelay(this::flushIfOld, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Queues {@code SET key value [EX ttl]}; blocks while {@code maxPending} commands are unconfirmed. */
    public void set(String key, String value, long ttlSeconds) throws InterruptedException {
        pending.acquire();
        List<Command> full = null;
        synchronized (lock) {
            if (batch.isEmpty()) {
                batchStartedNanos = System.nanoTime();
            }
            batch.add(new Command(key, value, ttlSeconds));
            if (batch.size() >= batchSize) {
                full = takeBatch();
            }
        }
        if (full != null) {
            List<Command> toSend = full;
            writer.execute(() -> send(toSend));
        }
    }

    /** Reads a key, waiting through Redis outages until it is answered. */
    public String get(String key) throws InterruptedException {
        while (true) {
            RedisFuture<String> reply;
            try {
                reply = writer.submit(() -> {
                    if (!connected()) {
                        return null;
                    }
                    RedisFuture<String> f = connection.async().get(key);
                    connection.flushCommands();
                    return f;
                }).get();
                if (reply != null) {
                    return reply.get(15, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                LOG.debug("GET {} failed: {}", key, e.toString());
            }
            Thread.sleep(MAX_BACKOFF_MS / 5);
        }
    }

    /** Sends what is queued and waits until Redis has confirmed every command given so far. */
    public void drain() throws InterruptedException {
        sendWhatIsQueued();
        pending.acquire(maxPending);
        pending.release(maxPending);
    }

    /** Like {@link #drain} but gives up after the timeout; returns how many commands are still unconfirmed. */
    public int drain(Duration timeout) throws InterruptedException {
        sendWhatIsQueued();
        if (pending.tryAcquire(maxPending, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            pending.release(maxPending);
            return 0;
        }
        return maxPending - pending.availablePermits();
    }

    /** Commands Redis has confirmed. */
    public long stored() {
        return stored.sum();
    }

    private void sendWhatIsQueued() {
        List<Command> rest;
        synchronized (lock) {
            rest = takeBatch();
        }
        if (!rest.isEmpty()) {
            writer.execute(() -> send(rest));
        }
    }

    private List<Command> takeBatch() {
        List<Command> taken = batch;
        batch = new ArrayList<>(batchSize);
        return taken;
    }

    private void flushIfOld() {
        List<Command> old = null;
        synchronized (lock) {
            if (!batch.isEmpty() && System.nanoTime() - batchStartedNanos >= maxDelayNanos / 2) {
                old = takeBatch();
            }
        }
        if (old != null) {
            send(old);
        }
    }

    /** Writer thread: sends the batch as one script call and arranges a retry if it fails. */
    private void send(List<Command> commands) {
        if (!connected()) {
            retryLater(commands);
            return;
        }
        String[] keys = new String[commands.size()];
        String[] args = new String[commands.size() * 2];
        for (int i = 0; i < keys.length; i++) {
            Command c = commands.get(i);
            keys[i] = c.key();
            args[2 * i] = c.value();
            args[2 * i + 1] = Long.toString(c.ttlSeconds());
        }
        RedisFuture<Long> reply = connection.async().eval(SET_ALL, ScriptOutputType.INTEGER, keys, args);
        connection.flushCommands();
        reply.whenComplete((n, err) -> {
            if (err == null) {
                stored.add(keys.length);
                pending.release(keys.length);
                writer.execute(this::recovered);
            } else {
                writer.execute(() -> {
                    outage(err.getMessage(), keys.length);
                    retryLater(commands);
                });
            }
        });
    }

    private boolean connected() {
        if (connection != null) {
            return true; // Lettuce reconnects by itself; commands fail fast until it has
        }
        try {
            connection = redis.connectDedicated();
            connection.setAutoFlushCommands(false); // batches are flushed by hand, on this thread only
            return true;
        } catch (RuntimeException e) {
            outage(e.getMessage(), -1);
            return false;
        }
    }

    private void retryLater(List<Command> commands) {
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        writer.schedule(() -> send(commands), delay, TimeUnit.MILLISECONDS);
    }

    private void outage(String reason, int held) {
        if (outageStartedNanos == 0) {
            outageStartedNanos = System.nanoTime();
            LOG.warn("Redis at {} is unreachable ({}); holding {} records and retrying until it answers",
                    address.display(), reason, held >= 0 ? held : maxPending - pending.availablePermits());
        }
    }

    private void recovered() {
        backoffMs = MIN_BACKOFF_MS;
        if (outageStartedNanos != 0) {
            LOG.info("Redis at {} answers again after {} s", address.display(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageStartedNanos));
            outageStartedNanos = 0;
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            connection.close();
        }
        redis.close();
    }
}
