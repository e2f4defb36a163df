package io.github.pmtatracking.feeder;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The feeder route's batch step: from the NDJSON of the entries in flight, the next batch to
 * send. A batch is whole lines from the head of the in-flight list, as many as fit in
 * {@code feeder.batch_max_bytes} (one line larger than that goes alone); it goes when it is full
 * (the next line would not fit, or the claim held a batch's worth) or when its oldest event is
 * {@code feeder.batch_max_age} seconds old.
 *
 * <p>After a 413 ({@link #split}) the batch goes again in two halves, at once: the halves still to
 * send are kept here, the next first, and a half refused again is halved again.
 *
 * <p>Single-threaded: called from the feeder route's timer only.
 */
public final class IngestBatches {

    private final InFlight inFlight;
    private final long maxBytes;
    private final long maxAgeSeconds;
    /** After a 413: the sizes (events) of the parts still to send, the next first; empty otherwise. */
    private final Deque<Integer> parts = new ArrayDeque<>();
    private int partsGeneration;
    private AtomicBoolean lastSettled; // whether the last batch taken was settled

    IngestBatches(InFlight inFlight, long maxBytes, long maxAgeSeconds) {
        this.inFlight = inFlight;
        this.maxBytes = maxBytes;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    /**
     * The next batch cut from the NDJSON of the entries in flight (one line per event, in their
     * order); null while it is neither full nor old enough. A batch of no events (the entries in
     * hand are none of them events) is settled by the route alone.
     */
    public IngestBatch take(NdjsonDataFormat.Lines written) {
        byte[] ndjson = written.bytes();
        int length = written.length();
        if (partsGeneration != inFlight.generation()) {
            parts.clear(); // the list was read afresh: its batches start over
            partsGeneration = inFlight.generation();
        } else if (lastSettled != null && lastSettled.get() && !parts.isEmpty()) {
            parts.pop(); // that part is done; its sibling, if any, is next
        }
        lastSettled = null;
        List<QueueEntry> entries = inFlight.held();
        int total = 0;
        long eventChars = 0;
        for (QueueEntry e : entries) {
            if (e.isEvent()) {
                total++;
                eventChars += e.raw().length();
            }
        }
        int[] cut = cut(ndjson, length, total, parts.isEmpty() ? total : Math.min(total, parts.peek()));
        int lines = cut[0];
        int end = cut[1];
        // the entries its lines cover, with those that are not events up to the next event
        int k = 0;
        int seen = 0;
        long oldest = Long.MAX_VALUE;
        for (QueueEntry e : entries) {
            if (e.isEvent()) {
                if (seen == lines) {
                    break; // it would pass the limit: the batch is full
                }
                seen++;
                oldest = Math.min(oldest, e.timestamp());
            }
            k++;
        }
        if (lines == 0) {
            return new IngestBatch(inFlight.generation(), k, 0, ndjson, 0);
        }
        inFlight.measured(eventChars, length); // sizes the next claim
        // a part of a batch refused as too large goes at once: its events were old enough already
        boolean full = k < entries.size() || !parts.isEmpty() || inFlight.full();
        boolean old = System.currentTimeMillis() / 1000 - oldest >= maxAgeSeconds;
        if (!full && !old) {
            return null;
        }
        IngestBatch batch = new IngestBatch(inFlight.generation(), k, lines, ndjson, end);
        lastSettled = batch.settled();
        return batch;
    }

    /** 413: the batch goes again in two halves, at once (a batch of one event is dead-lettered instead). */
    public void split(IngestBatch batch) {
        if (!parts.isEmpty()) {
            parts.pop(); // this part is replaced by its halves
        }
        int[] halves = halves(batch.getEvents());
        parts.push(halves[1]);
        parts.push(halves[0]);
        lastSettled = null;
    }

    /** The sizes of the halves a 413 makes of a batch of this many events. */
    static int[] halves(int events) {
        int first = (events + 1) / 2;
        return new int[] {first, events - first};
    }

    /**
     * How many of the {@code total} lines go, and where they end: whole lines up to
     * batch_max_bytes (a first line longer than that alone), at most {@code limit}. Only the lines
     * left over are counted, not the batch's: the cut is near the end of what the claim took.
     */
    private int[] cut(byte[] ndjson, int length, int total, int limit) {
        if (total == 0) {
            return new int[] {0, 0};
        }
        if (limit < total) { // a part after a 413, rare: counted from the start
            int end = 0;
            int lines = 0;
            while (lines < limit) {
                int next = indexOf(ndjson, length, end) + 1;
                if (next > maxBytes && lines > 0) {
                    break;
                }
                end = next;
                lines++;
            }
            return new int[] {lines, end};
        }
        if (length <= maxBytes) {
            return new int[] {total, length};
        }
        int end = lastIndexOf(ndjson, length, (int) maxBytes - 1) + 1;
        if (end == 0) {
            end = indexOf(ndjson, length, 0) + 1;
        }
        int after = 0;
        for (int i = end; i < length; i++) {
            if (ndjson[i] == '\n') {
                after++;
            }
        }
        return new int[] {total - after, end};
    }

    private static int indexOf(byte[] ndjson, int length, int from) {
        for (int i = from; i < length; i++) {
            if (ndjson[i] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("NDJSON has fewer lines than the batch has events");
    }

    private static int lastIndexOf(byte[] ndjson, int length, int from) {
        for (int i = Math.min(from, length - 1); i >= 0; i--) {
            if (ndjson[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
