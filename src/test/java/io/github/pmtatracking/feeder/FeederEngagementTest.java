package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's machine opens and clicks, end to end: real requests through a tracker process, the
 * events on a real Redis, a real feeder process (with the GeoIP2 test database) sending them to the
 * Ingest stand-in, which checks every event's user_agent_parsed, geo_ip and mailbox_provider; and
 * the feeder's Prometheus counters by human, machine and reason.
 */
class FeederEngagementTest {

    private static final LinkCodec CODEC = LinkCodec.unsigned();
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/120.0.0.0 Safari/537.36";
    private static final String GMAIL_PROXY = "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)";
    private static final String YAHOO_PROXY = "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html";
    private static final DateTimeFormatter PMTA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssZ");

    @Test
    void everyOpenAndClickSaysWhoseItIsWithItsAgentPlaceAndMailboxProvider() throws Exception {
        try (FeederRig rig = FeederRig.start()) {
            long now = System.currentTimeMillis() / 1000;
            // the accounting records acct_etl stored: recipient and delivery time of each message
            record(rig, "m-mpp", "ann@icloud.com", now - 3600);
            record(rig, "m-gmail", "bob@gmail.com", now - 3600);
            record(rig, "m-yahoo", "cat@yahoo.com", now - 3600);
            record(rig, "m-human", "dan@example.org", now - 3600);
            record(rig, "m-late", "fay@outlook.com", now - 600); // ten minutes after
            record(rig, "m-head", "gus@example.org", now - 3600);
            record(rig, "m-trap", "hal@example.org", now - 3600);
            record(rig, "m-burst", "ivy@example.org", now - 3600);

            int port = TestRedis.freePort();
            Map<String, String> trackerEnv = Map.of("REDIS_URL", rig.redis.url(), "REDIS_EMBEDDED", "false");
            try (AppProcess tracker = AppProcess.start(trackerEnv, "tracker", "-in_hostport", "127.0.0.1:" + port)) {
                tracker.awaitOutput("Started tracker", 60);
                // the tracker believes X-Forwarded-For from loopback (tracker.trusted_proxies)
                get(port, TrackingLink.open("m-mpp", "ann@icloud.com"), "Mozilla/5.0", "17.58.63.1");
                get(port, TrackingLink.open("m-gmail", "bob@gmail.com"), GMAIL_PROXY, "66.249.84.1");
                get(port, TrackingLink.open("m-yahoo", "cat@yahoo.com"), YAHOO_PROXY, "98.137.11.1");
                get(port, TrackingLink.open("m-human", "dan@example.org"), IPHONE, "216.160.83.57");
                // delivered a second before its click: stored here, as the tracker's start may take longer than the window
                record(rig, "m-fast", "eve@hotmail.com", System.currentTimeMillis() / 1000 - 1);
                get(port, TrackingLink.click("https://example.com/fast", "m-fast", "eve@hotmail.com"), CHROME, "81.2.69.142");
                get(port, TrackingLink.click("https://example.com/late", "m-late", "fay@outlook.com"), CHROME, "81.2.69.142");
                HttpResponse<byte[]> head = Http.send(port, "HEAD", path(TrackingLink.click("https://example.com/h", "m-head", "gus@example.org")),
                        "User-Agent", CHROME, "X-Forwarded-For", "89.160.20.115");
                assertEquals(302, head.statusCode());
                get(port, TrackingLink.click("https://example.com/trap", "m-trap", "hal@example.org").withLinkName("pmta-trap-link"), CHROME, "203.0.113.9");
                get(port, TrackingLink.click("https://example.com/t1", "m-trap", "hal@example.org"), CHROME, "203.0.113.9");
                get(port, TrackingLink.click("https://example.com/t1", "m-trap", "hal@example.org"), IPHONE, "203.0.113.77");
                get(port, TrackingLink.click("https://example.com/b1", "m-burst", "ivy@example.org"), CHROME, "203.0.113.10");
                get(port, TrackingLink.click("https://example.com/b2", "m-burst", "ivy@example.org"), CHROME, "203.0.113.10");
                FeederRig.await("12 events queued", 10, () -> rig.redis.commands().llen("trk_queue") == 12);
            }

            // all in one claim: the feeder starts once every event is queued
            Path geo = Path.of("src/test/resources/geoip/GeoIP2-City-Test.mmdb").toAbsolutePath();
            AppProcess feeder = rig.feeder(Map.of("FEEDER_GEOIP_DATABASE", geo.toString()));
            rig.api.awaitAccepted(12, 60);
            Map<String, JsonNode> byKey = new HashMap<>();
            for (JsonNode e : rig.api.acceptedEvents()) {
                JsonNode t = e.at("/msys/track_event");
                String key = t.path("message_id").asText() + " " + t.path("target_link_url").asText() + " " + t.path("ip_address").asText();
                byKey.put(key, t);
                assertFalse(t.has("machine_reason"), "machine_reason is ours: not for the Ingest API: " + t);
            }
            assertEquals(12, byKey.size(), byKey.keySet().toString());

            JsonNode mpp = one(byKey, "m-mpp ");
            assertFlags(mpp, true, true);
            assertEquals("Apple iCloud", mpp.path("mailbox_provider").asText());

            JsonNode gmail = one(byKey, "m-gmail ");
            assertFlags(gmail, true, false);
            assertEquals("Gmail", gmail.path("mailbox_provider").asText());

            JsonNode yahoo = one(byKey, "m-yahoo ");
            assertFlags(yahoo, true, false);
            assertEquals("Yahoo", yahoo.path("mailbox_provider").asText());

            JsonNode human = one(byKey, "m-human ");
            assertFlags(human, false, false);
            JsonNode ua = human.path("user_agent_parsed");
            assertEquals("Apple", ua.path("device_brand").asText(), ua.toString());
            assertEquals("iOS", ua.path("os_family").asText(), ua.toString());
            assertEquals("17.1.2", ua.path("os_version").asText(), ua.toString());
            assertTrue(ua.path("is_mobile").asBoolean(), ua.toString());
            assertFalse(ua.path("agent_family").asText().isEmpty(), ua.toString());
            JsonNode place = human.path("geo_ip");
            assertEquals("US", place.path("country").asText(), place.toString());
            assertEquals("WA", place.path("region").asText(), place.toString());
            assertEquals("Milton", place.path("city").asText(), place.toString());
            assertEquals(47.2513, place.path("latitude").asDouble(), 1e-4);
            assertEquals(-122.3149, place.path("longitude").asDouble(), 1e-4);
            assertEquals("98354", place.path("postal_code").asText(), place.toString());
            assertEquals(98354, place.path("zip").asInt(), place.toString());
            assertFalse(human.has("mailbox_provider"), "example.org is no known provider");

            JsonNode fast = one(byKey, "m-fast ");
            assertFlags(fast, false, true);
            assertEquals("Hotmail / Outlook", fast.path("mailbox_provider").asText());
            assertEquals("London", fast.at("/geo_ip/city").asText());
            assertEquals("Windows", fast.at("/user_agent_parsed/os_family").asText().substring(0, 7));
            assertFalse(fast.at("/user_agent_parsed/is_mobile").asBoolean());
            assertFlags(one(byKey, "m-late "), false, false);
            assertFlags(one(byKey, "m-head "), false, true);
            assertEquals("SE", one(byKey, "m-head ").at("/geo_ip/country").asText());

            assertFlags(byKey.get("m-trap https://example.com/trap 203.0.113.9"), false, true);
            assertFlags(byKey.get("m-trap https://example.com/t1 203.0.113.9"), false, true);
            assertFlags(byKey.get("m-trap https://example.com/t1 203.0.113.77"), false, false); // another address: a person
            assertFlags(byKey.get("m-burst https://example.com/b1 203.0.113.10"), false, true);
            assertFlags(byKey.get("m-burst https://example.com/b2 203.0.113.10"), false, true);

            // the counters, by class and reason
            String metrics = Http.getText(feeder.managementPort(), "/observe/metrics").body();
            Map<String, Double> counts = metrics.lines()
                    .filter(l -> l.startsWith("pmta_feeder_engagement_events_total{"))
                    .collect(Collectors.toMap(l -> l.substring(0, l.lastIndexOf(' ')), l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))));
            assertEquals(1.0, count(counts, "open", "machine", "apple_mpp"), metrics);
            assertEquals(1.0, count(counts, "open", "human", "gmail_image_proxy"), metrics);
            assertEquals(1.0, count(counts, "open", "human", "yahoo_mail_proxy"), metrics);
            assertEquals(1.0, count(counts, "open", "human", "none"), metrics);
            assertEquals(1.0, count(counts, "click", "machine", "click_after_delivery"), metrics);
            assertEquals(1.0, count(counts, "click", "machine", "head_request"), metrics);
            assertEquals(2.0, count(counts, "click", "machine", "trap_link"), metrics);
            assertEquals(2.0, count(counts, "click", "machine", "link_burst"), metrics);
            assertEquals(2.0, count(counts, "click", "human", "none"), metrics);
        }
    }

    private static double count(Map<String, Double> counts, String type, String kind, String reason) {
        return counts.entrySet().stream()
                .filter(e -> e.getKey().contains("type=\"" + type + "\"") && e.getKey().contains("class=\"" + kind + "\"")
                        && e.getKey().contains("reason=\"" + reason + "\""))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static void assertFlags(JsonNode event, boolean proxy, boolean prefetched) {
        JsonNode ua = event.path("user_agent_parsed");
        assertEquals(proxy, ua.path("is_proxy").asBoolean(), "is_proxy of " + event);
        assertEquals(prefetched, ua.path("is_prefetched").asBoolean(), "is_prefetched of " + event);
        assertTrue(ua.has("is_proxy") && ua.has("is_prefetched"), event.toString());
    }

    private static JsonNode one(Map<String, JsonNode> byKey, String prefix) {
        List<JsonNode> found = byKey.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
        assertEquals(1, found.size(), prefix + " in " + byKey.keySet());
        return found.get(0);
    }

    private static void record(FeederRig rig, String messageId, String rcpt, long deliveredAt) {
        String logged = OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(deliveredAt), ZoneOffset.ofHours(-5)).format(PMTA_TIME);
        rig.redis.commands().set("msgID_" + messageId, "{\"rcpt\":\"" + rcpt + "\",\"orig\":\"news@example.com\",\"timeLogged\":\"" + logged + "\"}");
    }

    private static void get(int port, TrackingLink link, String userAgent, String forwardedFor) throws Exception {
        HttpResponse<byte[]> r = Http.getFirstWith(port, path(link), "User-Agent", userAgent, "X-Forwarded-For", forwardedFor);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 302, "answered " + r.statusCode());
    }

    private static String path(TrackingLink link) {
        return CODEC.encode("http://t", link).substring("http://t".length());
    }
}
