package io.github.pmtatracking.acct;

import io.github.pmtatracking.redis.PipelinedRedisWriter;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns PowerMTA accounting lines into Redis records: a header record is stored under
 * {@code acct_headers}, each delivery record as {@code msgID_<id>} with a TTL. Any other line is
 * skipped, counted by reason and logged with its line number; nothing stops the pipe.
 */
public final class AccountingRecordLoader implements AcctEtlStatsMXBean {

    private static final Logger LOG = LoggerFactory.getLogger(AccountingRecordLoader.class);
    private static final int WARNINGS_PER_REASON = 100; // then counted only, so bad input can't flood the log
    private static final char BOM = '\uFEFF';
    private static final String DELIVERY_TYPE = "d";

    private final PipelinedRedisWriter redis;
    private final AccountingKeys keys;
    private final Predicate<String> storedColumns;
    private final AccountingLineParser parser = new AccountingLineParser();
    private final AtomicLongArray skipped = new AtomicLongArray(SkipReason.values().length);
    private final Set<String> otherTypesSeen = new HashSet<>();
    private long startedNanos;

    private AccountingHeader header;
    private boolean storedHeaderLooked;
    private volatile long lines; // written by the route's thread only; volatile for JMX readers
    private volatile long queued;
    private long stored;

    public AccountingRecordLoader(PipelinedRedisWriter redis, AccountingKeys keys, Predicate<String> storedColumns) {
        this.redis = redis;
        this.keys = keys;
        this.storedColumns = storedColumns;
    }

    /** The next lines of input, in order. Never throws for bad input. */
    public void acceptAll(List<String> lines) throws InterruptedException {
        for (String line : lines) {
            accept(line);
        }
    }

    /** The next line of input, in order. Never throws for bad input. */
    public void accept(String line) throws InterruptedException {
        long lineNumber = ++lines;
        if (lineNumber == 1) {
            startedNanos = System.nanoTime();
        }
        String text = line;
        if (!text.isEmpty() && text.charAt(text.length() - 1) == '\r') {
            text = text.substring(0, text.length() - 1);
        }
        if (!text.isEmpty() && text.charAt(0) == BOM) {
            LOG.warn("line {}: byte-order mark removed", lineNumber);
            text = text.substring(1);
        }
        try {
            store(parser.parse(text), lineNumber);
        } catch (BadRecordException e) {
            skip(e.reason(), lineNumber, e.getMessage());
        }
    }

    private void store(List<String> fields, long lineNumber) throws BadRecordException, InterruptedException {
        String type = fields.get(0);
        if (type.equals(AccountingHeader.TYPE_FIELD)) {
            storeHeader(fields, lineNumber);
            return;
        }
        if (!type.equals(DELIVERY_TYPE)) {
            if (otherTypesSeen.add(type)) {
                LOG.info("line {}: skipping records of type '{}' (only d records are stored); further ones are counted",
                        lineNumber, abbreviate(type));
            }
            throw new BadRecordException(SkipReason.OTHER_TYPE, null);
        }
        AccountingHeader h = header();
        if (h == null) {
            throw new BadRecordException(SkipReason.NO_HEADER, "delivery record before any header record");
        }
        if (fields.size() != h.size()) {
            throw new BadRecordException(SkipReason.FIELD_COUNT,
                    fields.size() + " fields where the header has " + h.size());
        }
        String messageId = h.messageId(fields);
        if (messageId.isBlank()) {
            throw new BadRecordException(SkipReason.EMPTY_MESSAGE_ID, "empty " + AccountingHeader.MESSAGE_ID_FIELD);
        }
        String json = h.enrichmentJson(fields);
        redis.set(keys.messagePrefix() + messageId, json, keys.ttlSeconds());
        queued++;
        if (LOG.isDebugEnabled()) {
            LOG.debug("Loaded {}{} -> {}", keys.messagePrefix(), messageId, json);
        }
    }

    private void storeHeader(List<String> fields, long lineNumber) throws BadRecordException, InterruptedException {
        AccountingHeader h = AccountingHeader.of(fields, storedColumns);
        if (!h.hasMessageId()) {
            throw new BadRecordException(SkipReason.HEADER_WITHOUT_MESSAGE_ID,
                    "header record has no " + AccountingHeader.MESSAGE_ID_FIELD + " column: " + fields);
        }
        header = h;
        redis.set(keys.headersKey(), h.toJson(), 0);
        LOG.info("line {}: PMTA accounting headers from pipe {}", lineNumber, fields);
    }

    /** The header of this run, else the one a previous run stored in Redis. */
    private AccountingHeader header() throws InterruptedException {
        if (header == null && !storedHeaderLooked) {
            storedHeaderLooked = true;
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
        return header;
    }

    private void skip(SkipReason reason, long lineNumber, String why) {
        long n = skipped.incrementAndGet(reason.ordinal());
        if (reason == SkipReason.OTHER_TYPE) {
            return; // logged once per type above
        }
        if (n <= WARNINGS_PER_REASON) {
            LOG.warn("line {}: skipped ({}): {}", lineNumber, reason.label(), why);
            if (n == WARNINGS_PER_REASON) {
                LOG.warn("{} lines skipped for {}; further ones are counted, not logged", n, reason.label());
            }
        }
    }

    /** Waits until Redis holds everything read, logs the summary line and returns it. */
    public String finish() throws InterruptedException {
        redis.drain();
        stored = queued; // drain returned: Redis confirmed every command
        String summary = summary();
        LOG.info(summary);
        return summary;
    }

    public String summary() {
        double seconds = lines == 0 ? 0 : (System.nanoTime() - startedNanos) / 1e9;
        long skippedTotal = 0;
        StringJoiner reasons = new StringJoiner(", ", " (", ")").setEmptyValue("");
        for (Map.Entry<SkipReason, Long> e : skippedByReason().entrySet()) {
            skippedTotal += e.getValue();
            reasons.add(e.getKey().label() + "=" + e.getValue());
        }
        return String.format(java.util.Locale.ROOT,
                "acct_etl: %d lines read, %d delivery records stored, %d skipped%s, in %.2f s",
                lines, stored, skippedTotal, reasons, seconds);
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
        return queued;
    }

    @Override
    public long getRedisCommandsConfirmed() {
        return redis.stored();
    }

    @Override
    public Map<String, Long> getSkippedByReason() {
        Map<String, Long> m = new java.util.TreeMap<>();
        skippedByReason().forEach((k, v) -> m.put(k.label(), v));
        return m;
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "...";
    }
}
