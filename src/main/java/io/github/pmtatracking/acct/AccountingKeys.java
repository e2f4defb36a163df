package io.github.pmtatracking.acct;

/**
 * Where accounting data lives in Redis. Defaults are the original's: {@code acct_headers},
 * {@code msgID_<id>} kept 10 days (SparkPost's event retention).
 */
public record AccountingKeys(String headersKey, String messagePrefix, long ttlSeconds) {

    public static final long TEN_DAYS = 10L * 24 * 3600;
}
