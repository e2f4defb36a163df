package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.pmtatracking.feeder.SparkPostEvents.BadEntry;
import io.github.pmtatracking.feeder.SparkPostEvents.QueuedEvent;
import io.lettuce.core.RedisException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds Ingest batches from the queue and settles them. The events of a batch stay in this
 * feeder's in-flight list until the destination took the batch: {@link #answered} acts on the
 * API's answer as {@link IngestAnswer} says (acknowledge it, keep it for a retry with exponential
 * backoff, split it, or move it to the dead-letter list). Entries that are not events, or whose
 * accounting record is broken, go to the dead-letter list on their own.
 *
 * <p>It feeds only while this process owns the feeder id ({@link FeederLease}); every change to the
 * in-flight list carries the lease's token, and Redis refuses it once the id is no longer this
 * process's. Then the events in memory are forgotten: they stay in the list for the owner.
 *
 * <p>Single-threaded: called from the feeder route's timer only.
 */
public final class IngestBatches {

    private static final Logger LOG = LoggerFactory.getLogger(IngestBatches.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLAIM_CHUNK = 4000; // entries per claim: one reply of a bounded size
    private static final int MAX_CLAIMED = 100_000; // entries held, unreadable ones included

    /** One in-flight entry: its NDJSON line, or why it is dead-lettered. */
    private record Claimed(String raw, byte[] line, String badReason, long timestamp) {
    }

    private final ReliableQueue queue;
    private final FeederLease lease;
    private final String messagePrefix;
    private final long maxBytes;
    private final long maxAgeSeconds;
    private final long maxBackoffMillis;
    private final String feederId;
    private final FeederStats stats;
    private final List<Claimed> claimed = new ArrayList<>(); // mirrors the in-flight list, in order
    /** After a 413: the sizes (events) of the parts still to send, the next first; empty otherwise. */
    private final Deque<Integer> parts = new ArrayDeque<>();
    private String token; // the lease token under which claimed mirrors the in-flight list
    private boolean resync = true;
    private boolean redisDownLogged;
    private long claimedBytes;

    private int batchSize; // entries of claimed that the batch being sent covers
    private long batchRawBytes;
    private int batchEvents; // readable entries among them
    private long batchGzipBytes;
    private long notBefore; // backoff: no attempt before this time (ms)
    private long backoffMillis;

    public IngestBatches(ReliableQueue queue, FeederLease lease, String messagePrefix, long maxBytes, long maxAgeSeconds,
                         long maxBackoffSeconds, String feederId, FeederStats stats) {
        this.queue = queue;
        this.lease = lease;
        this.messagePrefix = messagePrefix;
        this.maxBytes = maxBytes;
        this.maxAgeSeconds = maxAgeSeconds;
        this.maxBackoffMillis = maxBackoffSeconds * 1000;
        this.feederId = feederId;
        this.stats = stats;
        stats.inflight = claimed::size;
        stats.queueLength = queue::queued;
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

    /** Drops the picture of the in-flight list; it is read again before the next batch. */
    private void forget() {
        claimed.clear();
        parts.clear();
        claimedBytes = 0;
        batchSize = 0;
        batchEvents = 0;
        resync = true;
    }

    /**
     * Whether this process owns the feeder id, asked on every tick (backoff included: it is the
     * lease's sign of life). A new token is a new taking: the list is read afresh, since another
     * process may have owned it in between.
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

    /** Redis refused a step: the id is another process's now, and so are the events in flight. */
    private void lostFeederId() {
        lease.lost(token);
        LOG.warn("Feeder id '{}': the {} events this process had in flight are left in {} for the owner, which sends them again",
                feederId, claimed.size(), queue.inflightKey());
        forget();
        token = null;
    }

    /** The list does not start with the batch this process sent: nothing was removed; read it again. */
    private void outOfStep() {
        LOG.error("The in-flight list {} does not start with the batch just settled (was it changed by hand?);"
                + " nothing was removed, and it is read again", queue.inflightKey());
        forget();
    }

    private void redisTrouble(RuntimeException e) {
        resync = true; // after any Redis error, memory is rebuilt from the in-flight list
        if (!redisDownLogged) {
            redisDownLogged = true;
            LOG.warn("Redis is unreachable ({}); events stay in Redis and the feeder retries", e.getMessage());
        }
    }

    /**
     * The next batch ready to go, gzipped NDJSON; null when there is none: nothing queued, the
     * batch neither full nor old enough yet, a retry waiting out its backoff, or the feeder id not
     * this process's.
     */
    public byte[] next() {
        try {
            if (!ownsFeederId() || System.currentTimeMillis() < notBefore) {
                return null;
            }
            if (resync) {
                resync();
            }
            byte[] batch = nextBatch();
            if (redisDownLogged) {
                redisDownLogged = false;
                LOG.info("Redis answers again");
            }
            return batch;
        } catch (ReliableQueue.NotOwner e) {
            lostFeederId();
            return null;
        } catch (ReliableQueue.OutOfStep e) {
            outOfStep();
            return null;
        } catch (RedisException e) {
            redisTrouble(e);
            return null;
        }
    }

    private byte[] nextBatch() {
        while (true) {
            while (claimedBytes <= maxBytes && claimed.size() < MAX_CLAIMED) {
                List<String> more = queue.claim(token, CLAIM_CHUNK);
                if (more.isEmpty()) {
                    break;
                }
                add(more);
            }
            if (claimed.isEmpty()) {
                return null;
            }
            int limit = parts.isEmpty() ? Integer.MAX_VALUE : parts.peek();
            int k = 0;
            long bytes = 0;
            long oldest = Long.MAX_VALUE;
            int lines = 0;
            for (Claimed c : claimed) {
                if (c.line() != null) {
                    if (lines == limit || (bytes + c.line().length > maxBytes && lines > 0)) {
                        break; // adding it would pass the limit: the batch is full
                    }
                    bytes += c.line().length;
                    lines++;
                    oldest = Math.min(oldest, c.timestamp());
                }
                k++;
            }
            if (lines == 0) {
                settle(k, List.of(), "only dead-lettered entries");
                continue;
            }
            // a part of a batch refused as too large goes at once: its events were old enough already
            boolean full = k < claimed.size() || !parts.isEmpty();
            boolean old = System.currentTimeMillis() / 1000 - oldest >= maxAgeSeconds;
            if (!full && !old) {
                return null;
            }
            batchSize = k;
            batchEvents = lines;
            batchRawBytes = bytes;
            byte[] gz = gzip(k, bytes);
            batchGzipBytes = gz.length;
            return gz;
        }
    }

    /** Events in the batch being sent. */
    public int batchEvents() {
        return batchEvents;
    }

    /**
     * The Ingest API's answer to the batch. Returns true when the next batch may follow at once
     * (this one settled, or split into parts to send now).
     */
    public boolean answered(int status, String body, String retryAfter, String location) {
        String resultsId = resultsId(body);
        switch (IngestAnswer.of(status, !resultsId.isEmpty())) {
            case DELIVERED -> {
                LOG.info("Uploaded {} bytes raw, {} bytes gzipped. SparkPost Ingest response: {}, results.id={} ({} events)",
                        batchRawBytes, batchGzipBytes, status, resultsId, batchEvents());
                return acknowledge();
            }
            case RETRY -> {
                String why = status < 300 ? status + " without results.id" : status + " " + abbreviate(body);
                retryLater(why, RetryAfter.millis(retryAfter, maxBackoffMillis, System.currentTimeMillis()));
                return false;
            }
            case MISCONFIGURED -> {
                LOG.error("Uploaded {} bytes raw, {} bytes gzipped. SparkPost Ingest response: {}: {}. The events are kept and sent again",
                        batchRawBytes, batchGzipBytes, status, IngestAnswer.hint(status, location));
                retryLater(status + " " + abbreviate(body), RetryAfter.millis(retryAfter, maxBackoffMillis, System.currentTimeMillis()));
                return false;
            }
            case TOO_LARGE -> {
                return tooLarge(status, body);
            }
            default -> {
                LOG.error("Uploaded {} bytes raw, {} bytes gzipped. SparkPost Ingest response: {}: {} events moved to the dead-letter list",
                        batchRawBytes, batchGzipBytes, status, batchEvents());
                return deadLetterBatch("ingest API refused the batch: " + status + " " + abbreviate(body), status);
            }
        }
    }

    /**
     * 413: the batch goes again in two halves, at once; a half refused too is halved again, down
     * to one event, which alone is dead-lettered.
     */
    private boolean tooLarge(int status, String body) {
        int events = batchEvents();
        if (events <= 1) {
            LOG.error("Uploaded {} bytes raw, {} bytes gzipped. SparkPost Ingest response: {}: one event alone is too large;"
                    + " moved to the dead-letter list", batchRawBytes, batchGzipBytes, status);
            return deadLetterBatch("ingest API refused the event as too large: " + status + " " + abbreviate(body), status);
        }
        if (!parts.isEmpty()) {
            parts.pop(); // this part is replaced by its halves
        }
        int first = (events + 1) / 2;
        parts.push(events - first);
        parts.push(first);
        LOG.warn("Uploaded {} bytes raw, {} bytes gzipped. SparkPost Ingest response: {}: the batch of {} events is sent again"
                + " in parts of {} and {} (a lower -batch_max_bytes avoids this)", batchRawBytes, batchGzipBytes, status, events,
                first, events - first);
        stats.batchesRetried.increment();
        batchSize = 0;
        batchEvents = 0;
        return true;
    }

    /** The batch went to a destination without an answer to check (a file, a broker): it is settled. */
    public boolean written() {
        LOG.info("Wrote {} events, {} bytes raw, {} bytes gzipped", batchEvents(), batchRawBytes, batchGzipBytes);
        return acknowledge();
    }

    /** The destination failed (network error, timeout...): keep the batch and retry later. */
    public boolean failed(Exception cause) {
        retryLater(cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage(), 0);
        return false;
    }

    private boolean acknowledge() {
        int events = batchEvents();
        if (!settleBatch(List.of(), "delivered, but Redis did not take the acknowledgement")) {
            return false;
        }
        stats.batchesSent.increment();
        stats.eventsDelivered.add(events);
        backoffMillis = 0;
        return true;
    }

    private boolean deadLetterBatch(String reason, int status) {
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            Claimed c = claimed.get(i);
            if (c.line() != null) {
                dead.add(deadLetter(c.raw(), reason, status));
            }
        }
        if (!settleBatch(dead, "Redis did not take the dead letters")) {
            return false;
        }
        stats.batchesDeadLettered.increment();
        return true;
    }

    /**
     * Removes the batch just sent from flight; false when it stays there: Redis away (it goes
     * again later, with the same event ids), or the feeder id no longer this process's.
     */
    private boolean settleBatch(List<String> dead, String whenRedisFails) {
        try {
            settle(batchSize, dead, null);
        } catch (ReliableQueue.NotOwner e) {
            lostFeederId();
            return false;
        } catch (ReliableQueue.OutOfStep e) {
            outOfStep();
            return false;
        } catch (RedisException e) {
            redisTrouble(e);
            retryLater(whenRedisFails, 0);
            return false;
        }
        if (!parts.isEmpty()) {
            parts.pop(); // this part is done; its sibling, if any, is next
        }
        return true;
    }

    /** Removes the first k entries from flight; dead-lettered ones and the extra entries go to the dead-letter list. */
    private void settle(int k, List<String> extraDead, String why) {
        if (k == 0) {
            return; // nothing was sent: nothing to settle
        }
        List<String> dead = new ArrayList<>(extraDead);
        for (int i = 0; i < k; i++) {
            Claimed c = claimed.get(i);
            if (c.line() == null) {
                dead.add(deadLetter(c.raw(), c.badReason(), 0));
            }
        }
        queue.acknowledge(token, k, claimed.get(0).raw(), claimed.get(k - 1).raw(), dead);
        stats.eventsDeadLettered.add(dead.size());
        for (int i = 0; i < k; i++) {
            Claimed c = claimed.get(i);
            claimedBytes -= c.line() == null ? 0 : c.line().length;
        }
        claimed.subList(0, k).clear();
        batchSize = 0;
        batchEvents = 0;
        if (why != null && LOG.isDebugEnabled()) {
            LOG.debug("Settled {} entries: {}", k, why);
        }
    }

    private void retryLater(String why, long requestedMillis) {
        backoffMillis = backoffMillis == 0 ? 1000 : Math.min(maxBackoffMillis, backoffMillis * 2);
        // the API may ask for longer than the backoff (Retry-After), never for longer than the cap
        long wait = Math.max(backoffMillis, Math.min(requestedMillis, maxBackoffMillis));
        notBefore = System.currentTimeMillis() + wait;
        stats.batchesRetried.increment();
        LOG.warn("Batch of {} events not delivered ({}); kept in flight, retrying in {} s", batchEvents(), why, wait / 1000.0);
        batchSize = 0;
        batchEvents = 0;
    }

    /** Parses and enriches newly claimed entries, one MGET for their accounting records. */
    private void add(List<String> raws) {
        List<QueuedEvent> events = new ArrayList<>(raws.size());
        List<String> bad = new ArrayList<>(raws.size());
        List<String> ids = new ArrayList<>();
        for (String raw : raws) {
            try {
                QueuedEvent e = SparkPostEvents.parse(raw);
                events.add(e);
                bad.add(null);
                ids.add(e.messageId());
            } catch (BadEntry b) {
                events.add(null);
                bad.add(b.getMessage());
            }
        }
        // one MGET for the chunk; each accounting record parsed once, as a message's events share it
        Map<String, Object> acct = new HashMap<>();
        if (!ids.isEmpty()) {
            List<String> distinct = ids.stream().distinct().toList();
            List<String> values = queue.accounting(messagePrefix, distinct);
            for (int i = 0; i < distinct.size(); i++) {
                try {
                    acct.put(distinct.get(i), SparkPostEvents.accounting(values.get(i)));
                } catch (BadEntry b) {
                    acct.put(distinct.get(i), b.getMessage());
                }
            }
        }
        for (int i = 0; i < raws.size(); i++) {
            QueuedEvent e = events.get(i);
            if (e == null) {
                LOG.warn("Queue entry moved to the dead-letter list: {}", bad.get(i));
                claimed.add(new Claimed(raws.get(i), null, bad.get(i), 0));
                continue;
            }
            Object a = acct.get(e.messageId());
            if (a instanceof String problem) {
                String reason = problem + " (" + messagePrefix + e.messageId() + ")";
                LOG.warn("Event moved to the dead-letter list: {}", reason);
                claimed.add(new Claimed(e.raw(), null, reason, 0));
                continue;
            }
            byte[] line = SparkPostEvents.ndjson(e, (SparkPostEvents.Accounting) a);
            claimed.add(new Claimed(e.raw(), line, null, e.timestamp()));
            claimedBytes += line.length;
        }
    }

    private byte[] gzip(int k, long rawBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, rawBytes / 8 + 1024));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(Deflater.BEST_SPEED); // NDJSON compresses well even at level 1, at a third of the CPU
            }
        }) {
            for (int i = 0; i < k; i++) {
                byte[] line = claimed.get(i).line();
                if (line != null) {
                    gz.write(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private String deadLetter(String raw, String reason, int status) {
        ObjectNode n = JSON.createObjectNode();
        n.put("reason", reason);
        if (status > 0) {
            n.put("status", status);
        }
        n.put("feeder", feederId);
        n.put("time", Instant.now().toString());
        n.put("entry", raw);
        return n.toString();
    }

    private static String resultsId(String body) {
        if (body == null || body.isEmpty()) {
            return "";
        }
        try {
            return JSON.readTree(body).path("results").path("id").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
