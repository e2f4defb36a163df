package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.json.JsonStrings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatName;
import org.apache.camel.support.service.ServiceSupport;

/**
 * {@code marshal: {custom: {ref: ndjson}}}: the enriched queue entries as NDJSON, one
 * {@link IngestEvent} a line; entries that are not events write nothing. Unmarshal reads such
 * lines back into IngestEvents with Jackson (what camel-jackson is built on).
 *
 * <p>Camel's {@code marshal: json} writes one document per message, and a message per event would
 * be a million exchanges a run: so a data format of its own. The lines are written by hand with
 * Jackson's escaping ({@link JsonStrings}), not by Jackson's serializer: this is the feeder's hot
 * path. In runs of bench/feeder.sh (1,000,000 events) JFR put 226 of the feeder thread's 530
 * samples in Jackson's bean serializer, and 177 of 451 in these lines. {@code FeederDataFormatsTest}
 * reads the lines back with Jackson.
 */
public final class NdjsonDataFormat extends ServiceSupport implements DataFormat, DataFormatName {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String getDataFormatName() {
        return "ndjson";
    }

    /** Bytes per line last written: sizes the next buffer, so that it is allocated once (5 MB batches). */
    private volatile int lineBytes = 512;

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) throws Exception {
        @SuppressWarnings("unchecked")
        List<QueueEntry> entries = (List<QueueEntry>) graph;
        int events = 0;
        for (QueueEntry e : entries) {
            events += e.isEvent() ? 1 : 0;
        }
        if (events == 0) {
            return;
        }
        // written whole into a buffer of about the right size, then handed on in one write: Camel's
        // output buffer, grown by doubling from a few bytes, made three times the NDJSON in garbage
        ByteArrayOutputStream lines = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, events * (lineBytes * 9L / 8) + 64));
        StringBuilder line = new StringBuilder(1024);
        for (QueueEntry e : entries) {
            if (e.isEvent()) {
                line.setLength(0);
                line(line, e.event().msys().trackEvent());
                lines.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        lineBytes = Math.max(64, lines.size() / events);
        lines.writeTo(stream);
    }

    /** {@code {"msys":{"track_event":{...}}}} and a newline: the fields in the original's order, empty ones left out. */
    static void line(StringBuilder sb, IngestEvent.TrackEvent t) {
        sb.append("{\"msys\":{\"track_event\":{");
        int start = sb.length();
        field(sb, start, "type", t.type());
        field(sb, start, "delv_method", t.delvMethod());
        field(sb, start, "event_id", t.eventId());
        field(sb, start, "ip_address", t.ipAddress());
        field(sb, start, "message_id", t.messageId());
        field(sb, start, "rcpt_to", t.rcptTo());
        field(sb, start, "timestamp", t.timestamp());
        field(sb, start, "target_link_url", t.targetLinkUrl());
        field(sb, start, "target_link_name", t.targetLinkName());
        field(sb, start, "user_agent", t.userAgent());
        if (t.subaccountId() != null) {
            comma(sb, start).append("\"subaccount_id\":").append(t.subaccountId().intValue());
        }
        field(sb, start, "campaign_id", t.campaignId());
        field(sb, start, "msg_from", t.msgFrom());
        field(sb, start, "friendly_from", t.friendlyFrom());
        field(sb, start, "sending_ip", t.sendingIp());
        field(sb, start, "ip_pool", t.ipPool());
        sb.append("}}}\n");
    }

    /** {@code "name":"value"}, after a comma unless it is the first; null and empty values are left out. */
    private static void field(StringBuilder sb, int start, String name, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        comma(sb, start).append('"').append(name).append("\":\"");
        JsonStrings.appendEscaped(sb, value);
        sb.append('"');
    }

    private static StringBuilder comma(StringBuilder sb, int start) {
        return sb.length() > start ? sb.append(',') : sb;
    }

    @Override
    public Object unmarshal(Exchange exchange, InputStream stream) throws Exception {
        List<IngestEvent> events = new ArrayList<>();
        JSON.readerFor(IngestEvent.class).<IngestEvent>readValues(stream).forEachRemaining(events::add);
        return events;
    }
}
