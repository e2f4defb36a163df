package io.github.pmtatracking.feeder;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * An answer's Retry-After (RFC 9110: delta-seconds or an HTTP-date), as the wait it asks for,
 * never more than the feeder's own cap: an API that asks for a year, or for 99999999999 seconds,
 * gets {@code feeder.retry_max_seconds}.
 */
final class RetryAfter {

    private RetryAfter() {
    }

    /** Milliseconds from now; 0 when absent or unreadable (the feeder's backoff applies alone). */
    static long millis(String value, long capMillis, long nowMillis) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String v = value.trim();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // more digits than fit in a long is still "a very long time"
            return v.length() > 12 ? capMillis : Math.min(capMillis, Long.parseLong(v) * 1000);
        }
        try {
            long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, Math.min(capMillis, at - nowMillis));
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
