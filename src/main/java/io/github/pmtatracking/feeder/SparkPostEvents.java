package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.link.TrackingAction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A tracker event (the original's queue format, {@code {"WD":{...},"ts","ua","ip","event_id"}})
 * plus its accounting record ({@code msgID_<id>}) as one SparkPost Ingest NDJSON line:
 * {@code {"msys":{"track_event":{...}}}}.
 */
public final class SparkPostEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private SparkPostEvents() {
    }

    /** A queue entry that cannot become an event, with the reason for the dead-letter list. */
    public static final class BadEntry extends Exception {
        public BadEntry(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The parts of a queue entry the feeder needs before enrichment. */
    public record QueuedEvent(String raw, JsonNode node, String messageId, long timestamp) {
    }

    public static QueuedEvent parse(String raw) throws BadEntry {
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (IOException e) {
            throw new BadEntry("queue entry is not JSON");
        }
        if (node == null || !node.isObject() || !node.path("WD").isObject()) {
            throw new BadEntry("queue entry has no WD object");
        }
        if (TrackingAction.fromCode(node.path("WD").path("act").asText("")).isEmpty()) {
            throw new BadEntry("queue entry has an unknown action");
        }
        long ts;
        try {
            ts = Long.parseLong(node.path("ts").asText(""));
        } catch (NumberFormatException e) {
            ts = System.currentTimeMillis() / 1000; // treated as new: it waits its full batch age
        }
        return new QueuedEvent(raw, node, node.path("WD").path("msg_id").asText(""), ts);
    }

    /** Parses an accounting record; null for absent. */
    public static JsonNode accounting(String json) throws BadEntry {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new BadEntry("accounting record is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new BadEntry("accounting record is not JSON");
        }
    }

    /** The NDJSON line (with its newline) for an event and its accounting record (may be null). */
    public static byte[] ndjson(QueuedEvent e, JsonNode acct) {
        JsonNode wd = e.node().path("WD");
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("msys");
            g.writeObjectFieldStart("track_event");
            g.writeStringField("type", TrackingAction.fromCode(wd.path("act").asText()).orElseThrow().eventType());
            g.writeStringField("delv_method", "esmtp");
            g.writeStringField("event_id", eventId(e));
            field(g, "ip_address", e.node().path("ip").asText(""));
            field(g, "message_id", e.messageId());
            String rcpt = acct == null ? "" : acct.path("rcpt").asText("");
            field(g, "rcpt_to", rcpt.isEmpty() ? wd.path("rcpt").asText("") : rcpt);
            g.writeStringField("timestamp", Long.toString(e.timestamp()));
            field(g, "target_link_url", wd.path("t_url").asText(""));
            field(g, "target_link_name", wd.path("t_name").asText(""));
            field(g, "user_agent", e.node().path("ua").asText(""));
            if (acct != null) {
                String sub = acct.path("header_x-sp-subaccount-id").asText("");
                if (sub.matches("\\d{1,9}")) {
                    g.writeNumberField("subaccount_id", Integer.parseInt(sub));
                }
                field(g, "campaign_id", acct.path("jobId").asText(""));
                field(g, "msg_from", acct.path("orig").asText(""));
                field(g, "friendly_from", acct.path("orig").asText(""));
                field(g, "sending_ip", acct.path("dlvSourceIp").asText(""));
                field(g, "ip_pool", acct.path("vmtaPool").asText(""));
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * The tracker's event id; for events from the original tracker, which had none, one in the
     * original's form (a decimal in 0..2^63-1) derived from the entry itself, so a re-sent batch
     * carries the same ids.
     */
    static String eventId(QueuedEvent e) {
        String id = e.node().path("event_id").asText("");
        if (!id.isEmpty()) {
            return id;
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

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (!value.isEmpty()) {
            g.writeStringField(name, value);
        }
    }
}
