package io.github.pmtatracking.feeder;

/**
 * One entry of this feeder's in-flight list, as the feeder holds it: the queue entry as the
 * tracker wrote it and, once {@link AccountingRecords} enriched it, either the Ingest event it
 * makes with its accounting record, or the reason it goes to the dead-letter list. Enriched
 * once: an entry whose batch is sent again keeps what it was sent with.
 */
public final class QueueEntry {

    private final String raw;
    private IngestEvent event;
    private long timestamp;
    private String badReason;

    QueueEntry(String raw) {
        this.raw = raw;
    }

    public String raw() {
        return raw;
    }

    boolean enriched() {
        return event != null || badReason != null;
    }

    void enrich(IngestEvent event, long timestamp) {
        this.event = event;
        this.timestamp = timestamp;
    }

    void refuse(String reason) {
        this.badReason = reason;
    }

    /** Whether it is an event (it becomes one NDJSON line); otherwise it is dead-lettered with its batch. */
    public boolean isEvent() {
        return event != null;
    }

    /** The Ingest event it became; null unless {@link #isEvent()}. */
    public IngestEvent event() {
        return event;
    }

    /** When the event happened (unix seconds): a batch goes once its oldest event is old enough. */
    long timestamp() {
        return timestamp;
    }

    public String badReason() {
        return badReason;
    }
}
