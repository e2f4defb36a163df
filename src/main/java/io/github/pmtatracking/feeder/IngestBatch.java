package io.github.pmtatracking.feeder;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One batch on its way (the feeder route's exchange property {@code ingestBatch}): the first
 * {@link #getEntries()} entries of the in-flight list, of which {@link #getEvents()} are events,
 * and their NDJSON. The answer steps settle exactly these entries.
 */
public final class IngestBatch {

    private final int generation;
    private final int entries;
    private final int events;
    private final byte[] ndjson;
    private final int length;
    private final AtomicBoolean settled = new AtomicBoolean();

    /** {@code length}: the batch's lines are the first bytes of {@code ndjson} (the entries in hand). */
    IngestBatch(int generation, int entries, int events, byte[] ndjson, int length) {
        this.generation = generation;
        this.entries = entries;
        this.events = events;
        this.ndjson = ndjson;
        this.length = length;
    }

    /** The picture of the in-flight list it was cut from ({@link InFlight#generation()}). */
    int generation() {
        return generation;
    }

    /** In-flight entries it covers, from the head of the list, entries that are not events included. */
    public int getEntries() {
        return entries;
    }

    /** Events in it (NDJSON lines). */
    public int getEvents() {
        return events;
    }

    /** Its NDJSON, one line per event (a stream over the lines in hand: no copy of them). */
    public InputStream getNdjson() {
        return new ByteArrayInputStream(ndjson, 0, length);
    }

    /** Its NDJSON bytes themselves, for a step that cuts them into lines (the array may run past {@link #getRawBytes()}). */
    byte[] lines() {
        return ndjson;
    }

    /** NDJSON bytes. */
    public int getRawBytes() {
        return length;
    }

    /** Set once its entries left the in-flight list (kept apart from the bytes, which need not outlive the batch). */
    AtomicBoolean settled() {
        return settled;
    }

    void markSettled() {
        settled.set(true);
    }

    @Override
    public String toString() {
        return "IngestBatch[" + events + " events, " + entries + " entries, " + length + " bytes]";
    }
}
