package io.github.pmtatracking.feeder;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

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
    private IngestBatch last;

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
    public IngestBatch take(byte[] ndjson) {
        if (partsGeneration != inFlight.generation()) {
            parts.clear(); // the list was read afresh: its batches start over
            partsGeneration = inFlight.generation();
        } else if (last != null && last.settled() && !parts.isEmpty()) {
            parts.pop(); // that part is done; its sibling, if any, is next
        }
        last = null;
        List<QueueEntry> entries = inFlight.held();
        int limit = parts.isEmpty() ? Integer.MAX_VALUE : parts.peek();
        int k = 0;
        int lines = 0;
        int end = 0;
        long oldest = Long.MAX_VALUE;
        for (QueueEntry e : entries) {
            if (e.isEvent()) {
                int next = lineEnd(ndjson, end);
                if (lines == limit || (next > maxBytes && lines > 0)) {
                    break; // adding it would pass the limit: the batch is full
                }
                end = next;
                lines++;
                oldest = Math.min(oldest, e.event().timestamp());
            }
            k++;
        }
        if (lines == 0) {
            return new IngestBatch(inFlight.generation(), k, 0, new byte[0]);
        }
        inFlight.measured(eventChars(entries), ndjson.length); // sizes the next claim
        // a part of a batch refused as too large goes at once: its events were old enough already
        boolean full = k < entries.size() || !parts.isEmpty() || inFlight.full();
        boolean old = System.currentTimeMillis() / 1000 - oldest >= maxAgeSeconds;
        if (!full && !old) {
            return null;
        }
        last = new IngestBatch(inFlight.generation(), k, lines, end == ndjson.length ? ndjson : Arrays.copyOf(ndjson, end));
        return last;
    }

    /** 413: the batch goes again in two halves, at once (a batch of one event is dead-lettered instead). */
    public void split(IngestBatch batch) {
        if (!parts.isEmpty()) {
            parts.pop(); // this part is replaced by its halves
        }
        int[] halves = halves(batch.getEvents());
        parts.push(halves[1]);
        parts.push(halves[0]);
        last = null;
    }

    /** The sizes of the halves a 413 makes of a batch of this many events. */
    static int[] halves(int events) {
        int first = (events + 1) / 2;
        return new int[] {first, events - first};
    }

    private static long eventChars(List<QueueEntry> entries) {
        long chars = 0;
        for (QueueEntry e : entries) {
            if (e.isEvent()) {
                chars += e.raw().length();
            }
        }
        return chars;
    }

    private static int lineEnd(byte[] ndjson, int from) {
        for (int i = from; i < ndjson.length; i++) {
            if (ndjson[i] == '\n') {
                return i + 1;
            }
        }
        throw new IllegalStateException("NDJSON has fewer lines than the batch has events");
    }
}
