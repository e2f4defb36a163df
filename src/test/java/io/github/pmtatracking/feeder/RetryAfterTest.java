package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final long CAP = 300_000;
    private static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();

    private static String httpDate(long epochMillis) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
    }

    @Test
    void secondsAreHonouredUpToTheCap() {
        assertEquals(7_000, RetryAfter.millis("7", CAP, NOW));
        assertEquals(7_000, RetryAfter.millis(" 7 ", CAP, NOW));
        assertEquals(CAP, RetryAfter.millis("99999999999", CAP, NOW));
        assertEquals(CAP, RetryAfter.millis("99999999999999999999999", CAP, NOW), "past a long: still the cap");
    }

    @Test
    void anHttpDateIsAWaitUntilThenUpToTheCap() {
        assertEquals(90_000, RetryAfter.millis(httpDate(NOW + 90_000), CAP, NOW));
        assertEquals(CAP, RetryAfter.millis(httpDate(NOW + 365L * 24 * 3600 * 1000), CAP, NOW));
        assertEquals(0, RetryAfter.millis(httpDate(NOW - 60_000), CAP, NOW), "already past");
    }

    @Test
    void whatIsNotARetryAfterLeavesTheBackoffAlone() {
        for (String v : new String[] {null, "", "-5", "1.5", "soon", "Sunday, 06-Nov-94 08:49:37 GMT"}) {
            assertEquals(0, RetryAfter.millis(v, CAP, NOW), String.valueOf(v));
        }
    }
}
