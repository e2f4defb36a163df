package io.github.pmtatracking.acct;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The SET commands of one write to Redis, as the bytes that go on the wire: keys, values and TTLs
 * (0: none). Built record by record as lines pass, so what waits for Redis is a few hundred bytes
 * per record rather than the parsed lines (a queue of parsed lines kept the collector busy).
 */
public final class RedisBatch {

    private static final byte[] NO_TTL = {'0'};

    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private final List<byte[]> ttls = new ArrayList<>();
    private int deliveries;

    /** {@code SET msgID_<id> <json> EX <ttl>} for a delivery record. */
    void add(AccountingRecord r, AccountingKeys k, byte[] ttl) {
        keys.add(utf8(k.messagePrefix() + r.messageId()));
        values.add(utf8(r.enrichmentJson()));
        ttls.add(ttl);
        deliveries++;
    }

    /** {@code SET acct_headers <json>} for a header record: it never expires. */
    void add(AccountingHeader h, AccountingKeys k) {
        keys.add(utf8(k.headersKey()));
        values.add(utf8(h.toJson()));
        ttls.add(NO_TTL);
    }

    void addAll(RedisBatch more) {
        keys.addAll(more.keys);
        values.addAll(more.values);
        ttls.addAll(more.ttls);
        deliveries += more.deliveries;
    }

    /** Commands in the batch. */
    public int size() {
        return keys.size();
    }

    /** Delivery records in the batch (the rest are header records). */
    public int deliveries() {
        return deliveries;
    }

    byte[] key(int i) {
        return keys.get(i);
    }

    byte[] value(int i) {
        return values.get(i);
    }

    /** Seconds, 0 for none. */
    long ttl(int i) {
        return Long.parseLong(new String(ttls.get(i), StandardCharsets.US_ASCII));
    }

    /** The keys, then each value followed by its TTL: the arguments of one script call. */
    byte[][] keysAndArgs() {
        int n = keys.size();
        byte[][] all = new byte[3 * n][];
        for (int i = 0; i < n; i++) {
            all[i] = keys.get(i);
            all[n + 2 * i] = values.get(i);
            all[n + 2 * i + 1] = ttls.get(i);
        }
        return all;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
