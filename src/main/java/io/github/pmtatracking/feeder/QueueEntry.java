package io.github.pmtatracking.feeder;

import io.github.pmtatracking.feeder.SparkPostEvents.Accounting;
import io.github.pmtatracking.feeder.SparkPostEvents.QueuedEvent;

/**
 * One entry of this feeder's in-flight list, as the feeder holds it: the queue entry as the
 * tracker wrote it and, once {@link AccountingRecords} enriched it, either its event with the
 * accounting record, or the reason it goes to the dead-letter list. Enriched once: an entry
 * whose batch is sent again keeps what it was sent with.
 */
public final class QueueEntry {

    private final String raw;
    private QueuedEvent event;
    private Accounting accounting;
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

    void enrich(QueuedEvent event, Accounting accounting) {
        this.event = event;
        this.accounting = accounting;
    }

    void refuse(String reason) {
        this.badReason = reason;
    }

    /** Whether it is an event (it becomes one NDJSON line); otherwise it is dead-lettered with its batch. */
    public boolean isEvent() {
        return event != null;
    }

    public QueuedEvent event() {
        return event;
    }

    /** Its accounting record; null when acct_etl stored none. */
    public Accounting accounting() {
        return accounting;
    }

    public String badReason() {
        return badReason;
    }
}
