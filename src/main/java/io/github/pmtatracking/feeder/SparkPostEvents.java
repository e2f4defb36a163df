package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.pmtatracking.link.TrackingAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;

/**
 * The queue's entries read: a tracker event (the original's queue format,
 * {@code {"WD":{...},"ts","ua","ip","event_id"}}) and its message's accounting record
 * ({@code msgID_<id>}), which {@link IngestEvent} makes one Ingest event of.
 *
 * <p>Read with Jackson's streaming parser, field by field, rather than into a tree or a bound
 * object: unknown fields and any JSON type are taken as the original took them, and every way an
 * entry can be broken gets its own reason for the dead-letter list.
 */
public final class SparkPostEvents {

    private static final JsonFactory FACTORY = new JsonFactory();

    private SparkPostEvents() {
    }

    /** A queue entry that cannot become an event, with the reason for the dead-letter list. */
    public static final class BadEntry extends Exception {
        public BadEntry(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A queued event: the fields the Ingest line needs. Absent strings are empty. */
    public record QueuedEvent(String raw, TrackingAction action, String targetUrl, String messageId, String rcpt,
                              String linkName, long timestamp, String userAgent, String ip, String eventId, boolean head) {
    }

    /** The enrichment fields of an accounting record. */
    public record Accounting(String rcpt, String subaccountId, String jobId, String orig, String sendingIp,
                             String ipPool, String timeLogged) {
    }

    public static QueuedEvent parse(String raw) throws BadEntry {
        // the fields read into locals as they come, not into maps: a map per entry and per record
        // was a third of the feeder thread's parse time under JFR. A field given twice: the last.
        String[] wd = null;
        String ts = "";
        String ua = "";
        String ip = "";
        String eventId = "";
        String method = "";
        try (JsonParser p = FACTORY.createParser(raw)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadEntry("queue entry is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("WD")) {
                    if (t != JsonToken.START_OBJECT) {
                        throw new BadEntry("queue entry has no WD object");
                    }
                    wd = fields(p, WD_FIELDS);
                } else if (t.isScalarValue()) {
                    String v = p.getValueAsString("");
                    switch (name) {
                        case "ts" -> ts = v;
                        case "ua" -> ua = v;
                        case "ip" -> ip = v;
                        case "event_id" -> eventId = v;
                        case "method" -> method = v;
                        default -> { }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new BadEntry("queue entry is not JSON");
        }
        if (wd == null) {
            throw new BadEntry("queue entry has no WD object");
        }
        TrackingAction action = TrackingAction.fromCode(wd[0])
                .orElseThrow(() -> new BadEntry("queue entry has an unknown action"));
        long when;
        try {
            when = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            when = System.currentTimeMillis() / 1000; // treated as new: it waits its full batch age
        }
        return new QueuedEvent(raw, action, wd[1], wd[2], wd[3], wd[4], when, ua, ip, eventId, method.equals("HEAD"));
    }

    /** Parses an accounting record; null for absent. */
    public static Accounting accounting(String json) throws BadEntry {
        if (json == null) {
            return null;
        }
        String[] f;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadEntry("accounting record is not a JSON object");
            }
            f = fields(p, ACCOUNTING_FIELDS);
            if (p.nextToken() != null) {
                throw new BadEntry("accounting record is not JSON");
            }
        } catch (IOException e) {
            throw new BadEntry("accounting record is not JSON");
        }
        return new Accounting(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
    }

    private static final List<String> WD_FIELDS = List.of("act", "t_url", "msg_id", "rcpt", "t_name");
    private static final List<String> ACCOUNTING_FIELDS =
            List.of("rcpt", "header_x-sp-subaccount-id", "jobId", "orig", "dlvSourceIp", "vmtaPool", "timeLogged");

    /**
     * The named scalar fields of the object the parser is in (after its START_OBJECT), as strings
     * in the order of {@code names}; absent ones empty, other fields skipped.
     */
    private static String[] fields(JsonParser p, List<String> names) throws IOException {
        String[] values = new String[names.size()];
        Arrays.fill(values, "");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            int i = names.indexOf(p.currentName());
            JsonToken t = p.nextToken();
            if (!t.isScalarValue()) {
                p.skipChildren();
            } else if (i >= 0) {
                values[i] = p.getValueAsString("");
            }
        }
        return values;
    }

    /** PowerMTA's times (2024-01-15 10:23:45-0500, or ISO 8601); no offset is UTC. */
    private static final DateTimeFormatter LOGGED = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd").optionalStart().appendLiteral('T').optionalEnd().optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .toFormatter(Locale.ROOT);

    /**
     * PowerMTA's own form alone: parsed without the optional sections above, each of which copies
     * the parser's state (JFR, bench/feeder.sh: 500 of the feeder thread's 8,299 samples).
     */
    private static final DateTimeFormatter POWERMTA_LOGGED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxx", Locale.ROOT);

    /** The unix time of an accounting record's timeLogged; 0 when absent or not a time. */
    static long deliveredAt(String timeLogged) {
        if (timeLogged == null || timeLogged.isEmpty()) {
            return 0;
        }
        try {
            if (timeLogged.length() == 24 && timeLogged.charAt(10) == ' ') {
                try {
                    return OffsetDateTime.parse(timeLogged, POWERMTA_LOGGED).toEpochSecond();
                } catch (DateTimeParseException notThatForm) {
                    // the general form below
                }
            }
            return OffsetDateTime.parse(timeLogged.trim(), LOGGED).toEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    /**
     * The tracker's event id; for events from the original tracker, which had none, one in the
     * original's form (a decimal in 0..2^63-1) derived from the entry itself, so a re-sent batch
     * carries the same ids.
     */
    static String eventId(QueuedEvent e) {
        if (!e.eventId().isEmpty()) {
            return e.eventId();
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(e.raw().getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return Long.toString(v & Long.MAX_VALUE);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
