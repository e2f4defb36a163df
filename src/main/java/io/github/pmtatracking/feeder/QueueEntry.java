package io.github.pmtatracking.feeder;

import io.github.pmtatracking.engagement.Engagement;

/**
 * One entry of this feeder's in-flight list, as the feeder holds it: the queue entry as the
 * tracker wrote it and, once {@link AccountingRecords} enriched it, either the Ingest event it
 * makes with its accounting record, or the reason it goes to the dead-letter list. Enriched
 * once: an entry whose batch is sent again keeps what it was sent with.
 */
public final class QueueEntry implements Engagement.Subject {

    private final String raw;
    private IngestEvent event;
    private Engagement engagement;
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

    void enrich(IngestEvent event, long timestamp, Engagement engagement) {
        this.event = event;
        this.timestamp = timestamp;
        this.engagement = engagement;
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

    /** What the classification steps work from and found; null unless {@link #isEvent()}. */
    @Override
    public Engagement engagement() {
        return engagement;
    }

    /** When the event happened (unix seconds): a batch goes once its oldest event is old enough. */
    long timestamp() {
        return timestamp;
    }

    public String badReason() {
        return badReason;
    }
}
