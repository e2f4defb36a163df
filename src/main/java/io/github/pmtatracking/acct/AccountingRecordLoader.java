package io.github.pmtatracking.acct;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of acct-etl.yaml that Camel has no word for: what a CSV line of PowerMTA's accounting
 * pipe is (the header record, a delivery record, or a line skipped and why), the header in use, the
 * count of every skip by reason, and the summary at end of input. Lines come one at a time, in
 * order, from the route's split, one record per line.
 */
public final class AccountingRecordLoader implements AcctEtlStatsMXBean {

    /** The header the route chooses on: {@value #HEADER}, {@value #DELIVERY}, or a {@link SkipReason} label. */
    public static final String RECORD = "AccountingRecord";
    public static final String HEADER = "header";
    public static final String DELIVERY = "delivery";

    private static final Logger LOG = LoggerFactory.getLogger(AccountingRecordLoader.class);
    private static final int WARNINGS_PER_REASON = 100; // then counted only, so bad input can't flood the log
    private static final String DELIVERY_TYPE = "d";

    private final AccountingWriter redis;
    private final AccountingBatches batches;
    private final AccountingKeys keys;
    private final Predicate<String> storedColumns;
    private final AtomicLongArray skipped = new AtomicLongArray(SkipReason.values().length);
    private final Set<String> otherTypesSeen = new HashSet<>();
    private long startedNanos;

    private AccountingHeader header;
    private volatile long lines; // the line in hand; written by the route's thread only, volatile for JMX readers
    private volatile long deliveriesRead;

    public AccountingRecordLoader(AccountingWriter redis, AccountingBatches batches, AccountingKeys keys,
                                  Predicate<String> storedColumns) {
        this.redis = redis;
        this.batches = batches;
        this.keys = keys;
        this.storedColumns = storedColumns;
    }

    /**
     * What the next line is: sets {@value #RECORD} and returns the new body, an {@link AccountingHeader},
     * an {@link AccountingRecord}, or for a skipped line the reason in words. {@code fields} is what
     * camel-csv made of the line (one empty field for an empty line).
     */
    public Object classify(@Body List<String> fields, @Headers Map<String, Object> headers) {
        nextLine();
        if (fields.isEmpty() || fields.size() == 1 && fields.get(0).isEmpty()) {
            return skip(headers, SkipReason.EMPTY_LINE, "empty line");
        }
        String type = fields.get(0);
        if (type.equals(AccountingHeader.TYPE_FIELD)) {
            AccountingHeader h = AccountingHeader.of(fields, storedColumns);
            if (!h.hasMessageId()) {
                return skip(headers, SkipReason.HEADER_WITHOUT_MESSAGE_ID,
                        "header record has no " + AccountingHeader.MESSAGE_ID_FIELD + " column: " + fields);
            }
            headers.put(RECORD, HEADER);
            return h;
        }
        if (!type.equals(DELIVERY_TYPE)) {
            return skip(headers, SkipReason.OTHER_TYPE, type);
        }
        AccountingHeader h = header;
        if (h == null) {
            return skip(headers, SkipReason.NO_HEADER, "delivery record before any header record");
        }
        if (fields.size() != h.size()) {
            return skip(headers, SkipReason.FIELD_COUNT, fields.size() + " fields where the header has " + h.size());
        }
        if (h.messageId(fields).isBlank()) {
            return skip(headers, SkipReason.EMPTY_MESSAGE_ID, "empty " + AccountingHeader.MESSAGE_ID_FIELD);
        }
        headers.put(RECORD, DELIVERY);
        deliveriesRead++;
        return new AccountingRecord(h, fields);
    }

    /** The next line is one camel-csv could not read: a quote left open. */
    public void brokenQuote() {
        nextLine();
        skip(SkipReason.BROKEN_QUOTE.label(), "unbalanced quotes");
    }

    private void nextLine() {
        if (lines == 0) {
            startedNanos = System.nanoTime();
        }
        lines++;
    }

    private static String skip(Map<String, Object> headers, SkipReason reason, String why) {
        headers.put(RECORD, reason.label());
        return why;
    }

    /** A header record: the columns of the delivery records that follow. */
    public void useHeader(@Body AccountingHeader h) {
        header = h;
        LOG.info("line {}: PMTA accounting headers from pipe {}", lines, h.columns());
    }

    /**
     * Before the first line: the header an earlier run stored in Redis, for delivery records that
     * come before any header record of this run. Throws while Redis is away (the route retries).
     */
    public void readStoredHeader() {
        String json = redis.get(keys.headersKey());
        if (json != null) {
            try {
                header = AccountingHeader.fromJson(json, storedColumns);
                LOG.info("Using the accounting headers stored in Redis: {}", header.columns());
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring {} in Redis: {}", keys.headersKey(), e.getMessage());
            }
        }
    }

    /** A line that is not stored: counted by reason, and logged (the first 100 of each reason). */
    public void skip(@Header(RECORD) String label, @Body String why) {
        SkipReason reason = SkipReason.valueOf(label.toUpperCase(Locale.ROOT));
        long n = skipped.incrementAndGet(reason.ordinal());
        long lineNumber = lines;
        if (reason == SkipReason.OTHER_TYPE) {
            if (otherTypesSeen.add(why)) {
                LOG.info("line {}: skipping records of type '{}' (only d records are stored); further ones are counted",
                        lineNumber, why.length() <= 20 ? why : why.substring(0, 20) + "...");
            }
            return;
        }
        if (n <= WARNINGS_PER_REASON) {
            LOG.warn("line {}: skipped ({}): {}", lineNumber, reason.label(), why);
            if (n == WARNINGS_PER_REASON) {
                LOG.warn("{} lines skipped for {}; further ones are counted, not logged", n, reason.label());
            }
        }
    }

    /** End of input: waits until Redis holds every record handed to it, logs the summary line and returns it. */
    public String finish() throws InterruptedException {
        while (redis.stored() < batches.queued()) {
            Thread.sleep(5); // the writer is still at the last batches (or waiting for Redis to come back)
        }
        String summary = summary();
        LOG.info(summary);
        return summary;
    }

    /** The process stops (PowerMTA ended acct_etl): says what Redis has not confirmed. */
    public void stopped() {
        long unsaved = batches.queued() - redis.stored();
        if (unsaved > 0) {
            LOG.error("Stopped with {} records not yet confirmed by Redis", unsaved);
        }
    }

    public String summary() {
        double seconds = lines == 0 ? 0 : (System.nanoTime() - startedNanos) / 1e9;
        long skippedTotal = 0;
        StringJoiner reasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
        for (Map.Entry<SkipReason, Long> e : skippedByReason().entrySet()) {
            skippedTotal += e.getValue();
            reasons.add(e.getKey().label() + "=" + e.getValue());
        }
        return String.format(Locale.ROOT,
                "acct_etl: %d lines read, %d delivery records stored, %d skipped%s, in %.2f s",
                lines, redis.deliveriesStored(), skippedTotal, reasons, seconds);
    }

    public long skipped(SkipReason reason) {
        return skipped.get(reason.ordinal());
    }

    public Map<SkipReason, Long> skippedByReason() {
        Map<SkipReason, Long> m = new EnumMap<>(SkipReason.class);
        for (SkipReason r : SkipReason.values()) {
            long n = skipped.get(r.ordinal());
            if (n > 0) {
                m.put(r, n);
            }
        }
        return m;
    }

    @Override
    public long getLinesRead() {
        return lines;
    }

    @Override
    public long getDeliveryRecordsRead() {
        return deliveriesRead;
    }

    @Override
    public long getRedisCommandsConfirmed() {
        return redis.stored();
    }

    @Override
    public Map<String, Long> getSkippedByReason() {
        Map<String, Long> m = new TreeMap<>();
        skippedByReason().forEach((k, v) -> m.put(k.label(), v));
        return m;
    }
}
