package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The feeder's two data formats: NDJSON lines as the original wrote them, and gzip at a level. */
class FeederDataFormatsTest {

    private static QueueEntry entry(String raw, String accounting) throws Exception {
        QueueEntry e = new QueueEntry(raw);
        SparkPostEvents.QueuedEvent q = SparkPostEvents.parse(raw);
        e.enrich(IngestEvent.of(q, SparkPostEvents.accounting(accounting)), q.timestamp(), null);
        return e;
    }

    @Test
    void eachEventIsOneLineWithTheOriginalsFieldsInTheirOrderAndEntriesThatAreNotEventsWriteNothing() throws Exception {
        QueueEntry click = entry("{\"WD\":{\"act\":\"c\",\"t_url\":\"https://example.com/a?b=\\\"c\\\"\",\"msg_id\":\"m1\",\"rcpt\":\"link@example.com\","
                + "\"t_name\":\"Buy\"},\"ts\":\"1700000000\",\"ua\":\"UA \\u00e9\",\"ip\":\"198.51.100.7\",\"event_id\":\"42\"}",
                "{\"rcpt\":\"bob@example.com\",\"header_x-sp-subaccount-id\":\"7\",\"jobId\":\"spring\",\"orig\":\"news@example.com\","
                        + "\"dlvSourceIp\":\"10.0.0.1\",\"vmtaPool\":\"pool-a\"}");
        QueueEntry open = entry("{\"WD\":{\"act\":\"o\",\"msg_id\":\"m2\",\"rcpt\":\"r@example.com\"},\"ts\":\"1700000001\",\"event_id\":\"43\"}", null);
        QueueEntry bad = new QueueEntry("not json");
        bad.refuse("queue entry is not JSON");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new NdjsonDataFormat().marshal(null, List.of(click, bad, open), out);
        assertEquals("{\"msys\":{\"track_event\":{\"type\":\"click\",\"delv_method\":\"esmtp\",\"event_id\":\"42\","
                + "\"ip_address\":\"198.51.100.7\",\"message_id\":\"m1\",\"rcpt_to\":\"bob@example.com\",\"timestamp\":\"1700000000\","
                + "\"target_link_url\":\"https://example.com/a?b=\\\"c\\\"\",\"target_link_name\":\"Buy\",\"user_agent\":\"UA \u00e9\","
                + "\"subaccount_id\":7,\"campaign_id\":\"spring\",\"msg_from\":\"news@example.com\",\"friendly_from\":\"news@example.com\","
                + "\"sending_ip\":\"10.0.0.1\",\"ip_pool\":\"pool-a\"}}}\n"
                + "{\"msys\":{\"track_event\":{\"type\":\"open\",\"delv_method\":\"esmtp\",\"event_id\":\"43\",\"message_id\":\"m2\","
                + "\"rcpt_to\":\"r@example.com\",\"timestamp\":\"1700000001\"}}}\n", out.toString(StandardCharsets.UTF_8));

        @SuppressWarnings("unchecked")
        List<IngestEvent> back = (List<IngestEvent>) new NdjsonDataFormat().unmarshal(null, new ByteArrayInputStream(out.toByteArray()));
        assertEquals(2, back.size(), "one event a line");
        assertEquals(click.event(), back.get(0));
        assertEquals("43", back.get(1).msys().trackEvent().eventId());
        assertEquals(null, back.get(1).msys().trackEvent().userAgent(), "an empty field is left out of its line");
    }

    @Test
    void aCharacterOutsideTheBasicPlaneIsWrittenAsItsUtf8BytesAndControlCharactersEscaped() throws Exception {
        // U+1F600 (a surrogate pair in Java) and a tab, as a user agent may carry them
        QueueEntry open = entry("{\"WD\":{\"act\":\"o\",\"msg_id\":\"m3\"},\"ts\":\"1700000002\",\"ua\":\"UA \\ud83d\\ude00\\tx\",\"event_id\":\"44\"}", null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new NdjsonDataFormat().marshal(null, List.of(open), out);
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.contains("\"user_agent\":\"UA \ud83d\ude00\\tx\""), line);
        assertTrue(new String(out.toByteArray(), StandardCharsets.ISO_8859_1).contains("UA \u00f0\u009f\u0098\u0080"), "4 UTF-8 bytes, not escapes");
    }

    @Test
    void powerMtasDeliveryTimesAreReadInItsFormatAndIso8601() {
        assertEquals(1705332225L, SparkPostEvents.deliveredAt("2024-01-15 10:23:45-0500"));
        assertEquals(1705332225L, SparkPostEvents.deliveredAt("2024-01-15T15:23:45Z"));
        assertEquals(1705332225L, SparkPostEvents.deliveredAt("2024-01-15T16:23:45+01:00"));
        assertEquals(1705332225L, SparkPostEvents.deliveredAt("2024-01-15 15:23:45"), "no offset: UTC");
        assertEquals(1705332225L, SparkPostEvents.deliveredAt("2024-01-15 16:23:45+0100"));
        assertEquals(1705332225L, SparkPostEvents.deliveredAt("2024-01-15 15:23:45.000Z"), "24 characters, not PowerMTA's form");
        assertEquals(0L, SparkPostEvents.deliveredAt("yesterday"));
        assertEquals(0L, SparkPostEvents.deliveredAt(""));
        assertEquals(0L, SparkPostEvents.deliveredAt(null));
    }

    @Test
    void machineReasonIsWrittenForOurOwnDestinationsOnly() throws Exception {
        QueueEntry e = new QueueEntry("{}");
        SparkPostEvents.QueuedEvent q = SparkPostEvents.parse(
                "{\"WD\":{\"act\":\"c\",\"t_url\":\"https://e.com/\",\"msg_id\":\"m\"},\"ts\":\"1700000000\",\"method\":\"HEAD\",\"event_id\":\"1\"}");
        assertTrue(q.head());
        io.github.pmtatracking.engagement.Engagement engagement = new io.github.pmtatracking.engagement.Engagement(
                new io.github.pmtatracking.engagement.Engagement.Facts("click", "", "", q.timestamp(), "m", "", q.targetUrl(), "", true, 0));
        e.enrich(IngestEvent.of(q, null), q.timestamp(), engagement);
        new io.github.pmtatracking.engagement.MachineEngagement(List.of(), io.github.pmtatracking.engagement.Networks.of(List.of()),
                io.github.pmtatracking.engagement.Networks.of(List.of()),
                new io.github.pmtatracking.engagement.MachineEngagement.ClickWindows(10, 2, 2, 60),
                new io.github.pmtatracking.engagement.EngagementCounts()).classify(List.of(e));
        NdjsonDataFormat files = new NdjsonDataFormat();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.marshal(null, List.of(e), out);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(
                "\"user_agent_parsed\":{\"is_proxy\":false,\"is_prefetched\":true},\"machine_reason\":\"head_request\"}}}"), out.toString());
        NdjsonDataFormat api = new NdjsonDataFormat();
        api.setMachineReasons(false);
        out.reset();
        api.marshal(null, List.of(e), out);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("machine_reason"), out.toString());
        @SuppressWarnings("unchecked")
        List<IngestEvent> back = (List<IngestEvent>) api.unmarshal(null, new ByteArrayInputStream(out.toByteArray()));
        assertEquals(Boolean.TRUE, back.get(0).msys().trackEvent().userAgentParsed().isPrefetched());
    }

    @Test
    void nothingToWriteIsAnEmptyBody() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new NdjsonDataFormat().marshal(null, List.of(), out);
        assertEquals(0, out.size());
    }

    @Test
    void gzipAtTheLevelSetIsReadBackByAnyGunzip() throws Exception {
        byte[] ndjson = "{\"a\":1}\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            for (int level : new int[] {1, 9}) {
                GzipDataFormat gzip = new GzipDataFormat();
                gzip.setCompressionLevel(level);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                gzip.marshal(new DefaultExchange(camel), new ByteArrayInputStream(ndjson), out);
                assertArrayEquals(ndjson, new GZIPInputStream(new ByteArrayInputStream(out.toByteArray())).readAllBytes());
                assertArrayEquals(ndjson, (byte[]) gzip.unmarshal(new DefaultExchange(camel), new ByteArrayInputStream(out.toByteArray())));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new GzipDataFormat().setCompressionLevel(0));
    }
}
