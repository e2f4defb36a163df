package io.github.pmtatracking.feeder;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ownership of a feeder id: one process at a time may feed from its in-flight list. It is a
 * Redis key ({@code trk_queue:feeder:<id>}) holding a token that is new at every taking, with a
 * lease of {@code feeder.owner_ttl_seconds}.
 *
 * <p>A thread of its own renews the lease, so a POST that takes longer than the lease keeps it;
 * the renewing stops when the feeder thread has shown no sign of life for {@code stallMillis}
 * (longer than any send can take), so a wedged process does not keep its id from a successor for
 * ever. The lease alone is not what keeps two processes apart: {@link ReliableQueue} refuses every
 * change to the in-flight list from a token that is no longer the lock's value, so a process that
 * was frozen past its lease learns that it lost the id before it can touch the list.
 */
public final class FeederLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeederLease.class);

    private final ReliableQueue queue;
    private final String feederId;
    private final long ttlSeconds;
    private final long stallNanos;
    private final AtomicReference<String> token = new AtomicReference<>();
    private final ScheduledExecutorService renewer;
    private volatile long lastBeat = System.nanoTime();
    private volatile boolean stallLogged;
    private boolean waitingLogged; // feeder thread only

    public FeederLease(ReliableQueue queue, String feederId, long ttlSeconds, long stallMillis) {
        this.queue = queue;
        this.feederId = feederId;
        this.ttlSeconds = ttlSeconds;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "feeder-lease");
            t.setDaemon(true);
            return t;
        });
        // three renewals per lease: one late or failed renewal does not lose it
        long period = Math.max(100, TimeUnit.SECONDS.toMillis(ttlSeconds) / 3);
        renewer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Called by the feeder thread on every tick (a sign of life): this process's token while it owns
     * the feeder id, taking the id when it is free; null while another process holds it.
     */
    public String hold() {
        lastBeat = System.nanoTime();
        String held = token.get();
        if (held != null) {
            return held;
        }
        String fresh = UUID.randomUUID().toString();
        if (queue.lock(fresh, ttlSeconds)) {
            token.set(fresh);
            waitingLogged = false;
            LOG.info("Feeder id '{}': in-flight events in {}", feederId, queue.inflightKey());
            return fresh;
        }
        if (!waitingLogged) {
            waitingLogged = true;
            LOG.warn("Feeder id '{}' is held by another running feeder (or one stopped less than {} s ago); waiting."
                    + " Give each feeder its own -id.", feederId, queue.lockTtl());
        }
        return null;
    }

    /** Redis refused a step made with this token: the id is gone (taken over, or the lease lapsed). */
    public void lost(String staleToken) {
        if (token.compareAndSet(staleToken, null)) {
            logLost();
        }
    }

    private void logLost() {
        LOG.error("Lost the ownership of feeder id '{}' (this process stalled past its {} s lease, or another process took the id);"
                + " it stops feeding and leaves its in-flight events to the owner until the id is free again", feederId, ttlSeconds);
    }

    private void renew() {
        String held = token.get();
        if (held == null) {
            return;
        }
        long quiet = System.nanoTime() - lastBeat;
        if (quiet > stallNanos) {
            if (!stallLogged) {
                stallLogged = true;
                LOG.error("The feeder has not moved for {} s (a send stuck past its timeouts?): the lease of feeder id '{}'"
                        + " is no longer renewed, so another process may take the id over", TimeUnit.NANOSECONDS.toSeconds(quiet), feederId);
            }
            return;
        }
        stallLogged = false;
        try {
            if (!queue.renew(held, ttlSeconds) && token.compareAndSet(held, null)) {
                logLost();
            }
        } catch (RuntimeException e) {
            // Redis away: the next renewal tries again; past the lease, the fence in Redis tells
            LOG.debug("Could not renew the lease of feeder id '{}': {}", feederId, e.toString());
        }
    }

    /** Gives up the feeder id at a normal stop, so a restart need not wait for it to expire. */
    @Override
    public void close() {
        renewer.shutdownNow();
        String held = token.getAndSet(null);
        if (held != null) {
            try {
                queue.unlock(held);
            } catch (RuntimeException e) {
                LOG.debug("Could not release feeder id: {}", e.toString());
            }
        }
    }
}
