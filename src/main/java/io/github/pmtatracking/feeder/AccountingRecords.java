package io.github.pmtatracking.feeder;

import io.github.pmtatracking.engagement.Engagement;
import io.github.pmtatracking.feeder.SparkPostEvents.BadEntry;
import io.github.pmtatracking.feeder.SparkPostEvents.QueuedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeder route's enrich step: each queue entry read as an event, with the accounting record
 * acct_etl stored for its message ({@code msgID_<id>}), one MGET for all the entries in hand (the
 * events of a message share one record, parsed once). An entry that is not an event, or whose
 * record is broken JSON, is marked with the reason: it goes to the dead-letter list with its batch,
 * and the events around it are sent.
 */
public final class AccountingRecords {

    private static final Logger LOG = LoggerFactory.getLogger(AccountingRecords.class);

    private static final int MGET_CHUNK = 4000;

    private final ReliableQueue queue;
    private final String messagePrefix;

    public AccountingRecords(ReliableQueue queue, String messagePrefix) {
        this.queue = queue;
        this.messagePrefix = messagePrefix;
    }

    /** Enriches the entries not enriched yet (the others keep what they were first sent with); returns the same list. */
    public List<QueueEntry> enrich(List<QueueEntry> entries) {
        // each entry's work in methods of its own, called from short loops: written as one method,
        // the JIT compiled it three times (once on the first batch's loop) with the JSON parser,
        // java.time's and the records' code inlined: compiles of 3.0, 2.7 and 1.2 s under JFR in a
        // run of bench/feeder.sh (1,000,000 events), the longest of the run
        // sized for every entry at once: grown from empty, the lists were 36 of this step's 149
        // samples (JFR, bench/feeder.sh)
        List<QueueEntry> fresh = new ArrayList<>(entries.size());
        List<QueuedEvent> events = new ArrayList<>(entries.size());
        Set<String> ids = new LinkedHashSet<>(entries.size() * 2);
        for (QueueEntry entry : entries) {
            if (!entry.enriched()) {
                QueuedEvent e = read(entry);
                if (e != null) {
                    fresh.add(entry);
                    events.add(e);
                    ids.add(e.messageId());
                }
            }
        }
        if (fresh.isEmpty()) {
            return entries;
        }
        Map<String, Object> records = records(new ArrayList<>(ids));
        for (int i = 0; i < fresh.size(); i++) {
            QueuedEvent e = events.get(i);
            enrich(fresh.get(i), e, records.get(e.messageId()));
        }
        return entries;
    }

    /** The entry as an event; null when it is none (it is marked for the dead-letter list). */
    private static QueuedEvent read(QueueEntry entry) {
        try {
            return SparkPostEvents.parse(entry.raw());
        } catch (BadEntry b) {
            LOG.warn("Queue entry moved to the dead-letter list: {}", b.getMessage());
            entry.refuse(b.getMessage());
            return null;
        }
    }

    /** The accounting records of the messages: each an Accounting, null (none stored) or why it is broken (a String). */
    private Map<String, Object> records(List<String> distinct) {
        List<String> values = new ArrayList<>(distinct.size());
        for (int from = 0; from < distinct.size(); from += MGET_CHUNK) { // a bounded reply each
            values.addAll(queue.accounting(messagePrefix, distinct.subList(from, Math.min(distinct.size(), from + MGET_CHUNK))));
        }
        Map<String, Object> records = new HashMap<>(distinct.size() * 2);
        for (int i = 0; i < distinct.size(); i++) {
            records.put(distinct.get(i), record(values.get(i)));
        }
        return records;
    }

    private static Object record(String json) {
        try {
            return SparkPostEvents.accounting(json);
        } catch (BadEntry b) {
            return b.getMessage();
        }
    }

    /** One entry enriched with its message's record, or marked for the dead-letter list with the record's problem. */
    private void enrich(QueueEntry entry, QueuedEvent e, Object record) {
        if (record instanceof String problem) {
            String reason = problem + " (" + messagePrefix + e.messageId() + ")";
            LOG.warn("Event moved to the dead-letter list: {}", reason);
            entry.refuse(reason);
            return;
        }
        SparkPostEvents.Accounting acct = (SparkPostEvents.Accounting) record;
        IngestEvent event = IngestEvent.of(e, acct);
        IngestEvent.TrackEvent t = event.msys().trackEvent();
        Engagement engagement = new Engagement(new Engagement.Facts(t.type(), e.userAgent(), e.ip(), e.timestamp(),
                e.messageId(), t.rcptTo(), e.targetUrl(), e.linkName(), e.head(),
                acct == null || !Engagement.Facts.isClick(t.type()) ? 0 : deliveredAt(acct.timeLogged())));
        entry.enrich(event, e.timestamp(), engagement);
    }

    /**
     * {@link SparkPostEvents#deliveredAt}, the last answer remembered: the records of a claim carry
     * the same few times (acct_etl's, to the second), and java.time's parse of each was 2.5% of the
     * feeder thread's samples and 2-3% of its allocations (JFR, bench/feeder.sh).
     */
    private long deliveredAt(String timeLogged) {
        if (timeLogged.equals(lastLogged)) {
            return lastDeliveredAt;
        }
        long at = SparkPostEvents.deliveredAt(timeLogged);
        lastLogged = timeLogged;
        lastDeliveredAt = at;
        return at;
    }

    private String lastLogged;
    private long lastDeliveredAt;
}
