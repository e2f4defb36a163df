package io.github.pmtatracking.feeder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * This feeder's in-flight list (the feeder route's claim and settle steps): entries claimed from
 * {@code trk_queue} into {@code trk_queue:inflight:<id>} ({@link ReliableQueue}), held here in the
 * same order, and removed from the head when their batch is settled: delivered, or moved to the
 * dead-letter list. Nothing leaves Redis before that.
 *
 * <p>It feeds only while this process owns the feeder id ({@link FeederLease}); every change to the
 * list carries the lease's token, and Redis refuses it once the id is another process's
 * ({@link ReliableQueue.NotOwner}: {@link #lost}). Then the events held here are forgotten: they
 * stay in the list for the owner. After a restart, a taking of the id or any doubt (a Redis
 * error, a list changed by hand: {@link #outOfStep}) the list is read afresh, so its events go
 * again with the same event ids.
 *
 * <p>Single-threaded: called from the feeder route's timer only.
 */
public final class InFlight {

    private static final Logger LOG = LoggerFactory.getLogger(InFlight.class);
    private static final int CLAIM_CHUNK = 4000; // entries per claim: one reply of a bounded size
    private static final int MAX_CLAIMED = 100_000; // entries held, unreadable ones included

    private final ReliableQueue queue;
    private final FeederLease lease;
    private final RetryBackoff backoff;
    private final DeadLetters deadLetters;
    private final FeederStats stats;
    private final String feederId;
    private final long maxBytes;
    private final List<QueueEntry> claimed = new ArrayList<>(); // mirrors the in-flight list, in order
    private long claimedChars;
    private String token; // the lease token under which claimed mirrors the in-flight list
    private boolean resync = true;
    private int generation; // one more each time the picture is dropped
    private double ndjsonPerChar = 1.5; // NDJSON bytes per queue entry char, as last measured
    private boolean full; // the last claim stopped at a batch's worth, more may be queued

    InFlight(ReliableQueue queue, FeederLease lease, RetryBackoff backoff, DeadLetters deadLetters, FeederStats stats,
             String feederId, long maxBytes) {
        this.queue = queue;
        this.lease = lease;
        this.backoff = backoff;
        this.deadLetters = deadLetters;
        this.stats = stats;
        this.feederId = feederId;
        this.maxBytes = maxBytes;
        stats.inflight = claimed::size;
        stats.queueLength = queue::queued;
    }

    /**
     * The in-flight entries not settled yet, oldest first, claiming more from the queue until they
     * hold a batch's worth (by the NDJSON size entries made so far); empty when there is nothing to
     * send now: nothing queued, a retry waiting out its backoff, or the feeder id not this
     * process's. Asked on every tick: it is the lease's sign of life.
     */
    public List<QueueEntry> claim() {
        if (!ownsFeederId() || backoff.waiting()) {
            return List.of();
        }
        try {
            if (resync) {
                resync();
            }
            long budget = (long) (maxBytes * 1.05 / ndjsonPerChar) + 1; // a little over: the cut is exact
            full = false;
            int before = claimed.size();
            while (claimed.size() < MAX_CLAIMED) {
                if (claimedChars >= budget) {
                    full = true;
                    break;
                }
                long average = claimed.isEmpty() ? 256 : Math.max(1, claimedChars / claimed.size());
                int n = (int) Math.max(1, Math.min(CLAIM_CHUNK, (budget - claimedChars) / average + 1));
                List<String> more = queue.claim(token, n);
                add(more);
                if (more.size() < n) {
                    break; // the queue is empty
                }
            }
            full |= claimed.size() >= MAX_CLAIMED;
            if (claimed.size() > before) {
                queue.replicated(); // with redis.wait_replicas: no event is sent on a claim a replica lacks
            }
        } catch (DataAccessException e) {
            resync = true; // whether the claim happened is unknown: the list is read afresh
            throw e;
        }
        return Collections.unmodifiableList(claimed);
    }

    /** Whether the last claim stopped because it held a batch's worth (so a smaller cut is still a full batch). */
    boolean full() {
        return full;
    }

    /** The entries held, as the last claim returned them. */
    List<QueueEntry> held() {
        return Collections.unmodifiableList(claimed);
    }

    /** Changes each time the picture of the list is dropped: a batch cut from an older one is not settled. */
    int generation() {
        return generation;
    }

    /** What NDJSON the entries made: sizes the next claim. */
    void measured(long entryChars, long ndjsonBytes) {
        if (entryChars > 0 && ndjsonBytes > 0) {
            ndjsonPerChar = (double) ndjsonBytes / entryChars;
        }
    }

    /** The batch was delivered: its entries leave Redis, those that are not events to the dead-letter list. */
    public void acknowledge(IngestBatch batch) {
        if (settle(batch, List.of())) {
            stats.batchesSent.increment();
            stats.eventsDelivered.add(batch.getEvents());
            backoff.reset();
        }
    }

    /** The batch's entries are none of them events: to the dead-letter list, alone. */
    public void settle(IngestBatch batch) {
        settle(batch, List.of());
    }

    /** The API refused the batch (400, 422; 413 for one event alone): every entry to the dead-letter list, with the answer. */
    public void deadLetter(IngestBatch batch, Integer status, String body) {
        int s = status == null ? 0 : status;
        String reason = (s == 413 ? "ingest API refused the event as too large: " : "ingest API refused the batch: ")
                + s + " " + IngestAnswers.abbreviate(body);
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < batch.getEntries() && i < claimed.size(); i++) {
            QueueEntry e = claimed.get(i);
            if (e.isEvent()) {
                dead.add(deadLetters.of(e.raw(), reason, s));
            }
        }
        if (settle(batch, dead)) {
            stats.batchesDeadLettered.increment();
        }
    }

    /**
     * Removes the batch's entries from the head of the list, with the dead letters given and those
     * of its entries that are not events, in one fenced step. False when it was cut from a picture
     * of the list dropped since (it goes again).
     */
    private boolean settle(IngestBatch batch, List<String> extraDead) {
        int k = batch.getEntries();
        if (batch.generation() != generation || k > claimed.size()) {
            LOG.debug("Not settling {}: the in-flight list was read afresh since", batch);
            return false;
        }
        List<String> dead = new ArrayList<>(extraDead);
        for (int i = 0; i < k; i++) {
            QueueEntry e = claimed.get(i);
            if (!e.isEvent()) {
                dead.add(deadLetters.of(e.raw(), e.badReason(), 0));
            }
        }
        queue.acknowledge(token, k, claimed.get(0).raw(), claimed.get(k - 1).raw(), dead);
        try {
            queue.replicated();
        } catch (DataAccessException e) {
            // the master removed them, but a failover could bring them back: the list is read
            // afresh before the next claim, and what is still there is sent again (same event ids)
            LOG.warn("Batch {} acknowledged, but not yet on a replica ({}); the in-flight list is read again", batch, e.getMessage());
            resync = true;
        }
        stats.eventsDeadLettered.add(dead.size());
        for (int i = 0; i < k; i++) {
            claimedChars -= claimed.get(i).raw().length();
        }
        claimed.subList(0, k).clear();
        batch.markSettled();
        return true;
    }

    /** Redis refused a step (NOTOWNER): the id is another process's now, and so are the events in flight. */
    public void lost() {
        lease.lost(token);
        LOG.warn("Feeder id '{}': the {} events this process had in flight are left in {} for the owner, which sends them again",
                feederId, claimed.size(), queue.inflightKey());
        forget();
        token = null;
    }

    /** The list does not start with the batch just settled (OUTOFSTEP): nothing was removed; read it again. */
    public void outOfStep() {
        LOG.error("The in-flight list {} does not start with the batch just settled (was it changed by hand?);"
                + " nothing was removed, and it is read again", queue.inflightKey());
        forget();
    }

    /** Redis answered a step with an error: what it did is unknown, so the list is read afresh. */
    public void redisTrouble() {
        forget();
    }

    /**
     * Whether this process owns the feeder id, taking it when it is free. A new token is a new
     * taking: the list is read afresh, since another process may have owned it in between.
     */
    private boolean ownsFeederId() {
        String t = lease.hold();
        if (t == null) {
            if (token != null) {
                forget();
                token = null;
            }
            return false;
        }
        if (!t.equals(token)) {
            token = t;
            resync = true;
        }
        return true;
    }

    /** Reads the in-flight list afresh: at start, what a previous run left is sent again with the same event ids. */
    private void resync() {
        forget();
        List<String> left = queue.inflight();
        if (!left.isEmpty()) {
            LOG.info("Sending again {} events left in flight ({})", left.size(), queue.inflightKey());
            add(left);
        }
        resync = false;
    }

    private void forget() {
        claimed.clear();
        claimedChars = 0;
        resync = true;
        generation++;
    }

    private void add(List<String> raws) {
        for (String raw : raws) {
            claimed.add(new QueueEntry(raw));
            claimedChars += raw.length();
        }
    }
}
