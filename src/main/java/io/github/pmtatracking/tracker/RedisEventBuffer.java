package io.github.pmtatracking.tracker;

import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events on their way to {@code trk_queue}. A request only puts its event in a bounded memory
 * buffer, which never waits; one pusher thread moves whatever has gathered to Redis with a single
 * RPUSH per batch. While Redis is slow or down the batch in hand is retried with backoff and new
 * events wait in the buffer; when the buffer is full an event is dropped, counted and logged. On
 * stop, what is buffered is pushed before the process ends (for up to {@code stopTimeout}).
 */
public final class RedisEventBuffer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventBuffer.class);
    private static final int MAX_BATCH = 1000;
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 2_000;

    private final RedisAddress address;
    private final String queueKey;
    private final BlockingQueue<String> buffer;
    private final TrackerStats stats;
    private final RedisConnector redis;
    private final Thread pusher;
    private final Duration stopTimeout;
    private volatile boolean stopping;
    private long outageSince; // pusher thread only; 0 while Redis answers
    private long droppedLogged;

    public RedisEventBuffer(RedisAddress address, String queueKey, int capacity, TrackerStats stats, Duration stopTimeout) {
        this.address = address;
        this.queueKey = queueKey;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.stats = stats;
        this.stopTimeout = stopTimeout;
        this.redis = new RedisConnector(address, Duration.ofSeconds(2));
        stats.bufferSize(buffer::size);
        this.pusher = new Thread(this::run, "tracker-redis-pusher");
        this.pusher.setDaemon(true);
        this.pusher.start();
    }

    /** Queues an event for Redis; never blocks. Returns false when the buffer is full and it was dropped. */
    public boolean offer(String eventJson) {
        if (buffer.offer(eventJson)) {
            return true;
        }
        stats.dropped();
        long dropped = stats.getDropped();
        if (dropped == 1 || dropped - droppedLogged >= 1000) { // racy on purpose: an approximate rate limit
            droppedLogged = dropped;
            LOG.error("Event buffer full ({} events waiting for Redis at {}): {} events dropped so far",
                    buffer.size(), address.display(), dropped);
        }
        return false;
    }

    private void run() {
        List<String> batch = new ArrayList<>(MAX_BATCH);
        long backoff = MIN_BACKOFF_MS;
        while (true) {
            try {
                if (batch.isEmpty()) {
                    String first = buffer.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (stopping) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    buffer.drainTo(batch, MAX_BATCH - 1);
                }
                if (push(batch)) {
                    stats.pushed(batch.size());
                    batch.clear();
                    backoff = MIN_BACKOFF_MS;
                } else {
                    Thread.sleep(backoff);
                    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
                }
            } catch (InterruptedException e) {
                return; // close() gave up waiting
            }
        }
    }

    private boolean push(List<String> batch) {
        try {
            redis.sync().rpush(queueKey, batch.toArray(new String[0]));
            if (outageSince != 0) {
                LOG.info("Redis at {} answers again after {} s; buffered events are being pushed",
                        address.display(), (System.currentTimeMillis() - outageSince) / 1000);
                outageSince = 0;
            }
            return true;
        } catch (RuntimeException e) {
            if (outageSince == 0) {
                outageSince = System.currentTimeMillis();
                LOG.warn("Redis at {} is unreachable ({}); events wait in memory (up to {}) and are pushed when it is back",
                        address.display(), e.getMessage(), buffer.remainingCapacity() + buffer.size());
            }
            return false;
        }
    }

    /** Pushes what is buffered (up to the stop timeout), then disconnects. */
    @Override
    public void close() {
        stopping = true;
        try {
            pusher.join(stopTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pusher.isAlive()) {
            pusher.interrupt();
            LOG.error("Stopped with {} events not pushed to Redis", buffer.size());
        }
        redis.close();
    }
}
