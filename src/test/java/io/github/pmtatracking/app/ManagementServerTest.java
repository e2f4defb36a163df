package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four dataflows in one process, watched the way an operator watches them: /observe/health
 * (readiness follows Redis and the listeners, liveness does not), /observe/metrics (every
 * dataflow's counters, checked against the traffic sent), and /observe/jolokia under its access
 * policy (what a console needs is allowed, the rest refused).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LinkCodec CODEC = LinkCodec.builder().build();
    private static final String ROUTES = "org.apache.camel:context=pmta-tracking,type=routes,name=\\\"%s\\\"";
    private static final String CONTEXT = "org.apache.camel:context=pmta-tracking,type=context,name=\\\"pmta-tracking\\\"";

    @TempDir
    static Path dir;
    static TestRedis redis;
    static AppProcess app;
    static int trackerPort;
    static int smtpPort;
    static int mgmt;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.start();
        trackerPort = TestRedis.freePort();
        smtpPort = TestRedis.freePort();
        Path accounting = dir.resolve("acct.csv");
        Files.writeString(accounting, Files.readString(Path.of("src/test/resources/acct/example.csv"))
                + "b,2026-11-24 10:00:00+0000,bounce\n" // another record type: skipped, counted
                + "d,\"broken quote\n");                  // unreadable: skipped, counted
        app = AppProcess.start(Map.of(
                        "REDIS_URL", redis.url(), "REDIS_EMBEDDED", "false",
                        "WRAPPER_OUTBOX_DIR", dir.resolve("outbox").toString(),
                        "FEEDER_OUTBOX_DIR", dir.resolve("ingest").toString(),
                        "FEEDER_BATCH_MAX_AGE", "1", "FEEDER_POLL_MS", "200"),
                "tracker", "-in_hostport", "127.0.0.1:" + trackerPort,
                "feeder",
                "wrapper", "-in_hostport", "127.0.0.1:" + smtpPort,
                "acct_etl", "-infile", accounting.toString());
        app.awaitOutput("acct_etl: end of input; the services go on", 60);
        app.awaitOutput("Started wrapper", 60);
        mgmt = app.managementPort();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void healthIsUpWithEveryCheckListed() throws Exception {
        HttpResponse<String> ready = Http.getText(mgmt, "/observe/health/ready?exposureLevel=full");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode checks = JSON.readTree(ready.body()).get("checks");
        List<String> names = checks.findValuesAsText("name");
        assertTrue(names.containsAll(List.of("redis", "route:tracker", "route:feeder", "route:wrapper", "route:acct-etl")),
                names.toString());
        assertEquals(200, Http.getText(mgmt, "/observe/health/live").statusCode());
        assertEquals(200, Http.getText(mgmt, "/observe/health").statusCode());
    }

    @Test
    @Order(2)
    void metricsCountWhatEachDataflowDid() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, Http.get(trackerPort, path(TrackingLink.open("m-" + i, "r@example.com"))).statusCode());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(302, Http.get(trackerPort, path(TrackingLink.click("https://example.com/" + i, "m-" + i, "r"))).statusCode());
        }
        assertEquals(400, Http.get(trackerPort, "/not!base64").statusCode());
        assertEquals(405, Http.send(trackerPort, "POST", path(TrackingLink.open("m-9", "r"))).statusCode());
        try (SmtpScript c = new SmtpScript(smtpPort)) {
            assertTrue(c.reply().startsWith("220"));
            assertTrue(c.command("EHLO metrics.example").startsWith("250"));
            assertTrue(c.command("MAIL FROM:<me@example.com>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<bob@example.com>").startsWith("250"));
            assertTrue(c.command("DATA").startsWith("354"));
            assertTrue(c.command("Subject: hi\r\n\r\nhello\r\n.").startsWith("250"));
            assertTrue(c.command("QUIT").startsWith("221"));
        }

        // the feeder takes the five events to its ingest files within about a second
        String m = awaitMetric("pmta_feeder_events_delivered_total", 5);
        assertEquals(3, metric(m, "pmta_tracker_events_total{action=\"open\"}"));
        assertEquals(2, metric(m, "pmta_tracker_events_total{action=\"click\"}"));
        assertEquals(0, metric(m, "pmta_tracker_events_total{action=\"initial_open\"}"));
        assertEquals(1, metric(m, "pmta_tracker_refused_total{reason=\"bad_base64\"}"));
        assertEquals(1, metric(m, "pmta_tracker_refused_total{reason=\"method_not_allowed\"}"));
        assertEquals(0, metric(m, "pmta_tracker_refused_total{reason=\"bad_signature\"}"));
        assertEquals(5, metric(m, "pmta_tracker_events_pushed_total"));
        assertEquals(0, metric(m, "pmta_queue_length"));
        assertTrue(metric(m, "pmta_feeder_batches_total{outcome=\"sent\"}") >= 1, m);
        assertEquals(0, metric(m, "pmta_feeder_batches_total{outcome=\"dead_lettered\"}"));

        assertEquals(1, metric(awaitMetric("pmta_wrapper_messages_relayed_total", 1), "pmta_wrapper_messages_relayed_total"));
        m = Http.getText(mgmt, "/observe/metrics").body();
        assertEquals(0, metric(m, "pmta_wrapper_messages_failed_total{reply_class=\"4xx\"}"));
        assertEquals(0, metric(m, "pmta_wrapper_sessions_open"));

        // example.csv: a header and three delivery records; then one "b" record and a broken line
        assertEquals(6, metric(m, "pmta_acct_etl_lines_read_total"));
        assertEquals(3, metric(m, "pmta_acct_etl_records_read_total"));
        assertEquals(1, metric(m, "pmta_acct_etl_records_skipped_total{reason=\"other_type\"}"));
        assertEquals(1, metric(m, "pmta_acct_etl_records_skipped_total{reason=\"broken_quote\"}"));
        assertEquals(3 + 1, metric(m, "pmta_acct_etl_records_stored_total"), "three msgID_ keys and the header record");
        assertEquals(3, redis.commands().keys("msgID_*").size());

        // Camel's own route metrics are there too, but for the tracker's per-request routes (its own counts above)
        assertTrue(m.contains("camel_exchanges_total{") && m.contains("routeId=\"wrapper\""), m);
        assertFalse(m.contains("routeId=\"tracker\"") || m.contains("routeId=\"tracker-events\""), m);
        assertTrue(m.contains("jvm_memory_used_bytes"), m);
    }

    @Test
    @Order(3)
    void jolokiaAllowsReadingAndRouteControlAndRefusesTheRest() throws Exception {
        JsonNode read = jolokia("{\"type\":\"read\",\"mbean\":\"" + route("tracker") + "\",\"attribute\":\"ExchangesTotal\"}");
        assertEquals(200, read.get("status").asInt(), read.toString());
        assertTrue(read.get("value").asLong() >= 7, read.toString());
        JsonNode ours = jolokia("{\"type\":\"read\",\"mbean\":\"io.github.pmtatracking:type=tracker,name=stats\",\"attribute\":\"Opens\"}");
        assertEquals(3, ours.get("value").asLong(), ours.toString());
        JsonNode list = jolokia("{\"type\":\"list\",\"path\":\"io.github.pmtatracking\"}");
        assertEquals(200, list.get("status").asInt(), list.toString());

        for (String op : List.of("suspend()", "resume()", "reset()", "reset(boolean)")) {
            String args = op.equals("reset(boolean)") ? ",\"arguments\":[true]" : "";
            JsonNode r = jolokia("{\"type\":\"exec\",\"mbean\":\"" + route("feeder") + "\",\"operation\":\"" + op + "\"" + args + "}");
            assertEquals(200, r.get("status").asInt(), op + ": " + r);
        }

        // refused: operations other than the route controls, anywhere; and every attribute write
        assertRefused(jolokia("{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc()\"}"));
        // Hawtio's Route Diagram and Source: the read-only dumps, placeholders unresolved
        JsonNode routesXml = jolokia("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT + "\",\"operation\":\"dumpRoutesAsXml()\"}");
        assertEquals(200, routesXml.get("status").asInt(), routesXml.toString());
        assertTrue(routesXml.get("value").asText().contains("id=\"tracker\""), routesXml.toString());
        JsonNode stats = jolokia("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT + "\",\"operation\":\"dumpRoutesStatsAsXml\","
                + "\"arguments\":[true,true]}");
        assertEquals(200, stats.get("status").asInt(), stats.toString());
        assertTrue(stats.get("value").asText().contains("routeStat"), stats.toString());
        JsonNode routeXml = jolokia("{\"type\":\"exec\",\"mbean\":\"" + route("tracker") + "\",\"operation\":\"dumpRouteAsXml()\"}");
        assertEquals(200, routeXml.get("status").asInt(), routeXml.toString());
        JsonNode routeStats = jolokia("{\"type\":\"exec\",\"mbean\":\"" + route("tracker") + "\",\"operation\":\"dumpRouteStatsAsXml\","
                + "\"arguments\":[true,true]}");
        assertEquals(200, routeStats.get("status").asInt(), routeStats.toString());
        // the forms that resolve placeholders (secrets) stay refused
        assertRefused(jolokia("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT + "\",\"operation\":\"dumpRoutesAsXml(boolean)\",\"arguments\":[true]}"));
        assertRefused(jolokia("{\"type\":\"exec\",\"mbean\":\"" + route("tracker") + "\",\"operation\":\"dumpRouteAsXml(boolean)\",\"arguments\":[true]}"));
        assertRefused(jolokia("{\"type\":\"exec\",\"mbean\":\"" + route("tracker") + "\",\"operation\":\"remove()\"}"));
        assertRefused(jolokia("{\"type\":\"exec\",\"mbean\":\"io.github.pmtatracking:type=tracker,name=stats\",\"operation\":\"reset()\"}"));
        assertRefused(jolokia("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=pmta-tracking,type=context,name=\\\"pmta-tracking\\\"\","
                + "\"operation\":\"stop()\"}"));
        assertRefused(jolokia("{\"type\":\"write\",\"mbean\":\"" + route("tracker") + "\",\"attribute\":\"TracingEnabled\",\"value\":true}"));
        assertRefused(jolokia("{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}"));
        assertEquals(3, jolokia("{\"type\":\"read\",\"mbean\":\"io.github.pmtatracking:type=tracker,name=stats\",\"attribute\":\"Opens\"}")
                .get("value").asLong(), "the refused reset() changed nothing");
        assertEquals("Started", jolokia("{\"type\":\"read\",\"mbean\":\"" + route("tracker") + "\",\"attribute\":\"State\"}")
                .get("value").asText());
    }

    @Test
    @Order(3)
    void noEventNotifierHasCamelBuildAnEventForEveryExchange() throws Exception {
        // Camel Main's own notifiers wait for the start or a reload; told so, the tracker's two
        // exchanges per request and acct_etl's one per record build no event objects for them
        JsonNode notifiers = jolokia("{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=pmta-tracking,type=eventnotifiers,*\","
                + "\"attribute\":\"IgnoreExchangeEvents\"}");
        assertEquals(200, notifiers.get("status").asInt(), notifiers.toString());
        assertTrue(notifiers.get("value").size() >= 1, notifiers.toString());
        notifiers.get("value").forEach(n -> assertTrue(n.get("IgnoreExchangeEvents").asBoolean(), notifiers.toString()));
        // and what they are for still happens: the start's summaries were logged
        assertTrue(app.output().contains("Property-placeholders summary"), app.output());
    }

    @Test
    @Order(4)
    void aListenerStoppedFromTheConsoleTakesReadinessDownButNotLiveness() throws Exception {
        JsonNode stop = jolokia("{\"type\":\"exec\",\"mbean\":\"" + route("tracker") + "\",\"operation\":\"stop()\"}");
        assertEquals(200, stop.get("status").asInt(), stop.toString());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", trackerPort).close(), "the listener is unbound");
        HttpResponse<String> ready = Http.getText(mgmt, "/observe/health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("route:tracker") && ready.body().contains("Stopped"), ready.body());
        assertEquals(200, Http.getText(mgmt, "/observe/health/live").statusCode());

        JsonNode start = jolokia("{\"type\":\"exec\",\"mbean\":\"" + route("tracker") + "\",\"operation\":\"start()\"}");
        assertEquals(200, start.get("status").asInt(), start.toString());
        assertEquals(200, Http.getText(mgmt, "/observe/health/ready").statusCode());
        assertEquals(200, Http.get(trackerPort, path(TrackingLink.open("after-start", "r"))).statusCode());
    }

    @Test
    @Order(5)
    void redisDownTakesReadinessDownAndItComesBackWithRedis() throws Exception {
        redis.stopServer();
        HttpResponse<String> ready = Http.getText(mgmt, "/observe/health/ready");
        assertEquals(503, ready.statusCode(), ready.body());
        JsonNode redisCheck = check(JSON.readTree(ready.body()), "redis");
        assertEquals("DOWN", redisCheck.get("status").asText(), ready.body());
        assertTrue(redisCheck.get("message").asText().contains("unreachable"), ready.body());
        assertEquals(200, Http.getText(mgmt, "/observe/health/live").statusCode(), "alive: restarting would not help");
        // the tracker still answers at once, from its buffer
        assertEquals(200, Http.get(trackerPort, path(TrackingLink.open("during-outage", "r"))).statusCode());

        redis.startServer();
        int status = 0;
        for (int i = 0; i < 100 && status != 200; i++) {
            Thread.sleep(100);
            status = Http.getText(mgmt, "/observe/health/ready").statusCode();
        }
        assertEquals(200, status, "ready again within 10 s of Redis coming back");
    }

    @Test
    void aPipeProgramRunsWithoutItsManagementPortWhenThatIsTaken() throws Exception {
        Path accounting = dir.resolve("acct2.csv");
        Files.copy(Path.of("src/test/resources/acct/example.csv"), accounting);
        try (AppProcess acct = AppProcess.start(Map.of("REDIS_URL", redis.url(), "CAMEL_MANAGEMENT_PORT", Integer.toString(mgmt)),
                "acct_etl", "-infile", accounting.toString())) {
            assertEquals(0, acct.waitFor(60), acct.output());
            assertTrue(acct.output().contains("management port 127.0.0.1:" + mgmt + " is in use"), acct.output());
            assertTrue(acct.output().contains("3 delivery records stored"), acct.output());
        }
    }

    @Test
    void aServiceRefusesToStartOnATakenManagementPort() throws Exception {
        try (AppProcess other = AppProcess.start(Map.of("REDIS_URL", redis.url(), "REDIS_EMBEDDED", "false",
                        "CAMEL_MANAGEMENT_PORT", Integer.toString(mgmt)),
                "tracker", "-in_hostport", "127.0.0.1:" + TestRedis.freePort())) {
            assertEquals(2, other.waitFor(60), other.output());
            assertTrue(other.output().contains("the management port 127.0.0.1:" + mgmt + " is in use"
                    + " (set camel.management.port, or CAMEL_MANAGEMENT_PORT, to a free port)"), other.output());
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private static String path(TrackingLink link) {
        return CODEC.encode("http://t", link).substring("http://t".length());
    }

    private static String route(String id) {
        return String.format(ROUTES, id);
    }

    private static JsonNode jolokia(String request) throws IOException, InterruptedException {
        HttpResponse<String> r = Http.postJson(mgmt, "/observe/jolokia", request);
        return JSON.readTree(r.body());
    }

    private static void assertRefused(JsonNode response) {
        assertEquals(403, response.get("status").asInt(), response.toString());
        assertTrue(response.get("error").asText().contains("forbidden"), response.toString());
    }

    private static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    /** The value of one series in a Prometheus scrape. */
    private static double metric(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), "no " + series + " in the scrape:\n" + scrape);
        return Double.parseDouble(m.group(1));
    }

    private static String awaitMetric(String series, double atLeast) throws Exception {
        String scrape = "";
        for (int i = 0; i < 100; i++) {
            scrape = Http.getText(mgmt, "/observe/metrics").body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
            if (m.find() && Double.parseDouble(m.group(1)) >= atLeast) {
                return scrape;
            }
            Thread.sleep(100);
        }
        assertFalse(true, series + " never reached " + atLeast + ":\n" + scrape + "\n" + app.output());
        return scrape;
    }
}
