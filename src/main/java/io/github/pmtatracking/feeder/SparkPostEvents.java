package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.pmtatracking.link.TrackingAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

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
                              String linkName, long timestamp, String userAgent, String ip, String eventId) {
    }

    /** The enrichment fields of an accounting record. */
    public record Accounting(String rcpt, String subaccountId, String jobId, String orig, String sendingIp,
                             String ipPool) {
    }

    public static QueuedEvent parse(String raw) throws BadEntry {
        Map<String, String> wd = null;
        Map<String, String> top = new HashMap<>(8);
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
                    wd = strings(p);
                } else if (t.isScalarValue()) {
                    top.put(name, p.getValueAsString(""));
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
        TrackingAction action = TrackingAction.fromCode(wd.getOrDefault("act", ""))
                .orElseThrow(() -> new BadEntry("queue entry has an unknown action"));
        long ts;
        try {
            ts = Long.parseLong(top.getOrDefault("ts", ""));
        } catch (NumberFormatException e) {
            ts = System.currentTimeMillis() / 1000; // treated as new: it waits its full batch age
        }
        return new QueuedEvent(raw, action, wd.getOrDefault("t_url", ""), wd.getOrDefault("msg_id", ""),
                wd.getOrDefault("rcpt", ""), wd.getOrDefault("t_name", ""), ts, top.getOrDefault("ua", ""),
                top.getOrDefault("ip", ""), top.getOrDefault("event_id", ""));
    }

    /** Parses an accounting record; null for absent. */
    public static Accounting accounting(String json) throws BadEntry {
        if (json == null) {
            return null;
        }
        Map<String, String> f;
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadEntry("accounting record is not a JSON object");
            }
            f = strings(p);
            if (p.nextToken() != null) {
                throw new BadEntry("accounting record is not JSON");
            }
        } catch (IOException e) {
            throw new BadEntry("accounting record is not JSON");
        }
        return new Accounting(f.getOrDefault("rcpt", ""), f.getOrDefault("header_x-sp-subaccount-id", ""),
                f.getOrDefault("jobId", ""), f.getOrDefault("orig", ""), f.getOrDefault("dlvSourceIp", ""),
                f.getOrDefault("vmtaPool", ""));
    }

    /** The scalar fields of the object the parser is in (after its START_OBJECT), as strings. */
    private static Map<String, String> strings(JsonParser p) throws IOException {
        Map<String, String> m = new HashMap<>(8);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (t.isScalarValue()) {
                m.put(name, p.getValueAsString(""));
            } else {
                p.skipChildren();
            }
        }
        return m;
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
