package io.github.pmtatracking.acct;

/**
 * Where accounting data lives in Redis ({@code redis.acct_headers_key}, {@code redis.msgid_prefix},
 * {@code redis.msgid_ttl_seconds}; the original's are {@code acct_headers}, {@code msgID_<id>}
 * kept 10 days, SparkPost's event retention).
 */
public record AccountingKeys(String headersKey, String messagePrefix, long ttlSeconds) {
}
