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
        List<QueueEntry> fresh = new ArrayList<>();
        List<QueuedEvent> events = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (QueueEntry entry : entries) {
            if (entry.enriched()) {
                continue;
            }
            try {
                QueuedEvent e = SparkPostEvents.parse(entry.raw());
                fresh.add(entry);
                events.add(e);
                ids.add(e.messageId());
            } catch (BadEntry b) {
                LOG.warn("Queue entry moved to the dead-letter list: {}", b.getMessage());
                entry.refuse(b.getMessage());
            }
        }
        if (fresh.isEmpty()) {
            return entries;
        }
        List<String> distinct = new ArrayList<>(ids);
        List<String> values = new ArrayList<>(distinct.size());
        for (int from = 0; from < distinct.size(); from += MGET_CHUNK) { // a bounded reply each
            values.addAll(queue.accounting(messagePrefix, distinct.subList(from, Math.min(distinct.size(), from + MGET_CHUNK))));
        }
        Map<String, Object> records = new HashMap<>(distinct.size() * 2);
        for (int i = 0; i < distinct.size(); i++) {
            try {
                records.put(distinct.get(i), SparkPostEvents.accounting(values.get(i)));
            } catch (BadEntry b) {
                records.put(distinct.get(i), b.getMessage());
            }
        }
        for (int i = 0; i < fresh.size(); i++) {
            QueuedEvent e = events.get(i);
            Object record = records.get(e.messageId());
            if (record instanceof String problem) {
                String reason = problem + " (" + messagePrefix + e.messageId() + ")";
                LOG.warn("Event moved to the dead-letter list: {}", reason);
                fresh.get(i).refuse(reason);
            } else {
                SparkPostEvents.Accounting acct = (SparkPostEvents.Accounting) record;
                IngestEvent event = IngestEvent.of(e, acct);
                IngestEvent.TrackEvent t = event.msys().trackEvent();
                Engagement engagement = new Engagement(new Engagement.Facts(t.type(), e.userAgent(), e.ip(), e.timestamp(),
                        e.messageId(), t.rcptTo(), e.targetUrl(), e.linkName(), e.head(),
                        acct == null || !Engagement.Facts.isClick(t.type()) ? 0 : SparkPostEvents.deliveredAt(acct.timeLogged())));
                fresh.get(i).enrich(event, e.timestamp(), engagement);
            }
        }
        return entries;
    }
}
