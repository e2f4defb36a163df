package io.github.pmtatracking.feeder;

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
    private volatile boolean settled;

    IngestBatch(int generation, int entries, int events, byte[] ndjson) {
        this.generation = generation;
        this.entries = entries;
        this.events = events;
        this.ndjson = ndjson;
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

    /** Its NDJSON, one line per event. */
    public byte[] getNdjson() {
        return ndjson;
    }

    /** NDJSON bytes. */
    public int getRawBytes() {
        return ndjson.length;
    }

    boolean settled() {
        return settled;
    }

    void markSettled() {
        settled = true;
    }

    @Override
    public String toString() {
        return "IngestBatch[" + events + " events, " + entries + " entries, " + ndjson.length + " bytes]";
    }
}
