package io.github.pmtatracking.feeder;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.engagement.Engagement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatName;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The feeder route's NDJSON step ({@link #lines}, or as a data format {@code marshal: {custom: {ref: ndjson}}}):
 * the enriched queue entries as NDJSON, one {@link IngestEvent} a line; entries that are not events write nothing. Unmarshal reads such
 * lines back into IngestEvents with Jackson (what camel-jackson is built on).
 *
 * <p>Camel's {@code marshal: json} writes one document per message, and a message per event would
 * be a million exchanges a run: so a data format of its own. The lines are written with Jackson's
 * streaming generator, straight to UTF-8 bytes, not by Jackson's bean serializer: this is the
 * feeder's hot path. In runs of bench/feeder.sh (1,000,000 events) JFR put 226 of the feeder
 * thread's 530 samples in the bean serializer; lines built in a StringBuilder, then made a String
 * and its bytes, were 955 of 2,619. {@code FeederDataFormatsTest} reads the lines back with Jackson.
 */
public final class NdjsonDataFormat extends ServiceSupport implements DataFormat, DataFormatName {

    private static final ObjectMapper JSON = new ObjectMapper();
    // an emoji in a user agent written as its 4 UTF-8 bytes, as String.getBytes wrote it, not as
    // two surrogate escapes; and no separator between root values but our newline
    private static final JsonFactory LINES = new JsonFactoryBuilder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .rootValueSeparator((String) null)
            .build();

    private static final SerializedString MSYS = new SerializedString("msys");
    private static final SerializedString TRACK_EVENT = new SerializedString("track_event");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString DELV_METHOD = new SerializedString("delv_method");
    private static final SerializedString EVENT_ID = new SerializedString("event_id");
    private static final SerializedString IP_ADDRESS = new SerializedString("ip_address");
    private static final SerializedString MESSAGE_ID = new SerializedString("message_id");
    private static final SerializedString RCPT_TO = new SerializedString("rcpt_to");
    private static final SerializedString TIMESTAMP = new SerializedString("timestamp");
    private static final SerializedString TARGET_LINK_URL = new SerializedString("target_link_url");
    private static final SerializedString TARGET_LINK_NAME = new SerializedString("target_link_name");
    private static final SerializedString USER_AGENT = new SerializedString("user_agent");
    private static final SerializedString SUBACCOUNT_ID = new SerializedString("subaccount_id");
    private static final SerializedString CAMPAIGN_ID = new SerializedString("campaign_id");
    private static final SerializedString MSG_FROM = new SerializedString("msg_from");
    private static final SerializedString FRIENDLY_FROM = new SerializedString("friendly_from");
    private static final SerializedString SENDING_IP = new SerializedString("sending_ip");
    private static final SerializedString IP_POOL = new SerializedString("ip_pool");
    private static final SerializedString USER_AGENT_PARSED = new SerializedString("user_agent_parsed");
    private static final SerializedString AGENT_FAMILY = new SerializedString("agent_family");
    private static final SerializedString DEVICE_BRAND = new SerializedString("device_brand");
    private static final SerializedString DEVICE_FAMILY = new SerializedString("device_family");
    private static final SerializedString OS_FAMILY = new SerializedString("os_family");
    private static final SerializedString OS_VERSION = new SerializedString("os_version");
    private static final SerializedString IS_MOBILE = new SerializedString("is_mobile");
    private static final SerializedString IS_PROXY = new SerializedString("is_proxy");
    private static final SerializedString IS_PREFETCHED = new SerializedString("is_prefetched");
    private static final SerializedString GEO_IP = new SerializedString("geo_ip");
    private static final SerializedString COUNTRY = new SerializedString("country");
    private static final SerializedString REGION = new SerializedString("region");
    private static final SerializedString CITY = new SerializedString("city");
    private static final SerializedString LATITUDE = new SerializedString("latitude");
    private static final SerializedString LONGITUDE = new SerializedString("longitude");
    private static final SerializedString ZIP = new SerializedString("zip");
    private static final SerializedString POSTAL_CODE = new SerializedString("postal_code");
    private static final SerializedString MAILBOX_PROVIDER = new SerializedString("mailbox_provider");
    private static final SerializedString MACHINE_REASON = new SerializedString("machine_reason");

    /** Whether lines carry machine_reason, a field of our own: not for the Ingest API, whose schema is SparkPost's. */
    private boolean machineReasons = true;

    public void setMachineReasons(boolean machineReasons) {
        this.machineReasons = machineReasons;
    }

    public boolean isMachineReasons() {
        return machineReasons;
    }

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
        Lines lines = lines(entries);
        stream.write(lines.bytes(), 0, lines.length());
    }

    /**
     * The feeder route's NDJSON step: the entries' lines in one buffer, handed on as they are. Not
     * {@code marshal}: Camel's marshal step copies what a data format writes into a buffer of its own
     * (grown by doubling) and that into the body's array, two copies of every batch; under JFR
     * (bench/feeder.sh, 1,000,000 events) those copies and this buffer were a third of the bytes the
     * feeder thread allocated (2.4 of 7.3 GB), each copy the size of the batch.
     */
    public Lines lines(List<QueueEntry> entries) throws IOException {
        int events = 0;
        for (QueueEntry e : entries) {
            events += e.isEvent() ? 1 : 0;
        }
        if (events == 0) {
            return Lines.NONE;
        }
        // written whole into a buffer of about the right size: allocated once (5 MB batches)
        Buffer lines = new Buffer((int) Math.min(Integer.MAX_VALUE - 8, events * (lineBytes * 9L / 8) + 64));
        try (JsonGenerator g = LINES.createGenerator(lines)) {
            for (QueueEntry e : entries) {
                if (e.isEvent()) {
                    line(g, e.event().msys().trackEvent(), e.engagement(), machineReasons);
                }
            }
        }
        lineBytes = Math.max(64, lines.size() / events);
        return new Lines(lines.array(), lines.size());
    }

    /** NDJSON lines: the first {@code length} bytes of {@code bytes} (the array may run past them). */
    public record Lines(byte[] bytes, int length) {
        static final Lines NONE = new Lines(new byte[0], 0);
    }

    /** A ByteArrayOutputStream whose array is handed on as it is, not copied. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    /** {@code {"msys":{"track_event":{...}}}} and a newline: the fields in the original's order, empty ones left out. */
    static void line(JsonGenerator g, IngestEvent.TrackEvent t, Engagement engagement, boolean machineReasons) throws IOException {
        g.writeStartObject();
        g.writeFieldName(MSYS);
        g.writeStartObject();
        g.writeFieldName(TRACK_EVENT);
        g.writeStartObject();
        field(g, TYPE, t.type());
        field(g, DELV_METHOD, t.delvMethod());
        field(g, EVENT_ID, t.eventId());
        field(g, IP_ADDRESS, t.ipAddress());
        field(g, MESSAGE_ID, t.messageId());
        field(g, RCPT_TO, t.rcptTo());
        field(g, TIMESTAMP, t.timestamp());
        field(g, TARGET_LINK_URL, t.targetLinkUrl());
        field(g, TARGET_LINK_NAME, t.targetLinkName());
        field(g, USER_AGENT, t.userAgent());
        if (t.subaccountId() != null) {
            g.writeFieldName(SUBACCOUNT_ID);
            g.writeNumber(t.subaccountId().intValue());
        }
        field(g, CAMPAIGN_ID, t.campaignId());
        field(g, MSG_FROM, t.msgFrom());
        field(g, FRIENDLY_FROM, t.friendlyFrom());
        field(g, SENDING_IP, t.sendingIp());
        field(g, IP_POOL, t.ipPool());
        if (engagement != null) {
            engagement(g, engagement, machineReasons);
        }
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
        g.writeRaw('\n');
    }

    /** What the classification steps found: user_agent_parsed, geo_ip, mailbox_provider, machine_reason. */
    private static void engagement(JsonGenerator g, Engagement e, boolean machineReasons) throws IOException {
        Engagement.Agent a = e.agent();
        if (a != null || e.isProxy() || e.isPrefetched()) {
            g.writeFieldName(USER_AGENT_PARSED);
            g.writeStartObject();
            if (a != null) {
                field(g, AGENT_FAMILY, a.agentFamily());
                field(g, DEVICE_BRAND, a.deviceBrand());
                field(g, DEVICE_FAMILY, a.deviceFamily());
                field(g, OS_FAMILY, a.osFamily());
                field(g, OS_VERSION, a.osVersion());
                g.writeFieldName(IS_MOBILE);
                g.writeBoolean(a.mobile());
            }
            g.writeFieldName(IS_PROXY);
            g.writeBoolean(e.isProxy());
            g.writeFieldName(IS_PREFETCHED);
            g.writeBoolean(e.isPrefetched());
            g.writeEndObject();
        }
        Engagement.Place p = e.place();
        if (p != null) {
            g.writeFieldName(GEO_IP);
            g.writeStartObject();
            field(g, COUNTRY, p.country());
            field(g, REGION, p.region());
            field(g, CITY, p.city());
            if (p.latitude() != null && p.longitude() != null) {
                g.writeFieldName(LATITUDE);
                g.writeNumber(p.latitude());
                g.writeFieldName(LONGITUDE);
                g.writeNumber(p.longitude());
            }
            String postal = p.postalCode();
            if (postal != null && !postal.isEmpty()) {
                if (postal.length() <= 9 && postal.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    g.writeFieldName(ZIP); // SparkPost's zip: the postal code as a number
                    g.writeNumber(Long.parseLong(postal));
                }
                field(g, POSTAL_CODE, postal);
            }
            g.writeEndObject();
        }
        field(g, MAILBOX_PROVIDER, e.mailboxProvider());
        if (machineReasons) {
            field(g, MACHINE_REASON, e.reason());
        }
    }

    /** {@code "name":"value"}; null and empty values are left out. */
    private static void field(JsonGenerator g, SerializedString name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            g.writeFieldName(name);
            g.writeString(value);
        }
    }

    @Override
    public Object unmarshal(Exchange exchange, InputStream stream) throws Exception {
        List<IngestEvent> events = new ArrayList<>();
        JSON.readerFor(IngestEvent.class).<IngestEvent>readValues(stream).forEachRemaining(events::add);
        return events;
    }
}
