package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.TestRedis;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker's two routes as routes: an HTTP request decoded and answered in "tracker", its event
 * a message of its own in "tracker-events", batched onto trk_queue in a real Redis.
 */
class TrackerEventsRouteTest extends TrackerRoutesTestSupport {

    /** The seda endpoint both routes name: the same options make it the same endpoint. */
    static final String EVENTS = "seda:tracker-events?queue=%23trackerEventBuffer&size=100000&discardWhenFull=true"
            + "&waitForTaskToComplete=Never";

    @BeforeAll
    static void startRedis() {
        useRedis(TestRedis.start());
    }

    @BeforeEach
    void emptyQueue() {
        redis.commands().del("trk_queue");
    }

    @Override
    protected boolean useJmx() {
        return true; // the buffer's depth, as Hawtio shows it
    }

    @Test
    void anOpenAndAClickAreAnsweredAndTheirEventsReachTrkQueueInTheOriginalsJson() throws Exception {
        NotifyBuilder answered = new NotifyBuilder(context).fromRoute("tracker").whenCompleted(2).create();
        long before = System.currentTimeMillis() / 1000;
        HttpResponse<byte[]> open = get(TrackerTest.path(TrackingLink.open("0000aabbccdd00112233", "bob@example.com")),
                "User-Agent", "Mozilla/5.0 (route test)");
        HttpResponse<byte[]> click = get(TrackerTest.path(TrackingLink.click("https://example.com/a?b=1", "m2", "r2")));
        assertTrue(answered.matches(10, TimeUnit.SECONDS), "both requests went through the tracker route");
        assertEquals(200, open.statusCode());
        assertArrayEquals(TrackingResponses.TRANSPARENT_GIF, open.body());
        assertEquals("image/gif", open.headers().firstValue("Content-Type").orElse(""));
        assertTrue(open.headers().firstValue("TrackingEventType").isEmpty(), "the event's header is not answered");
        assertEquals(302, click.statusCode());
        assertEquals("https://example.com/a?b=1", click.headers().firstValue("Location").orElse(""));

        List<String> raw = awaitRaw(2);
        // byte for byte the original's format, as TrackingEventJson writes it
        assertTrue(raw.get(0).matches("\\{\"WD\":\\{\"act\":\"o\",\"t_url\":\"\",\"msg_id\":\"0000aabbccdd00112233\","
                + "\"rcpt\":\"bob@example.com\"},\"ts\":\"\\d+\",\"ua\":\"Mozilla/5.0 \\(route test\\)\","
                + "\"ip\":\"127.0.0.1\",\"event_id\":\"\\d{1,19}\"}"), raw.get(0));
        assertTrue(raw.get(1).matches("\\{\"WD\":\\{\"act\":\"c\",\"t_url\":\"https://example.com/a\\?b=1\",\"msg_id\":\"m2\","
                + "\"rcpt\":\"r2\"},\"ts\":\"\\d+\",\"ua\":\"Java-http-client/[^\"]+\",\"ip\":\"127.0.0.1\",\"event_id\":\"\\d{1,19}\"}"),
                raw.get(1));
        long ts = Long.parseLong(JSON.readTree(raw.get(0)).get("ts").asText());
        assertTrue(ts >= before && ts <= before + 5, "ts " + ts);
        assertEquals(2, stats().getPushed());
    }

    @Test
    void refusalsMakeNoEventAndAHeadRequestAnEventOfItsOwn() throws Exception {
        NotifyBuilder answered = new NotifyBuilder(context).fromRoute("tracker").whenCompleted(3).create();
        long eventsBefore = exchangesInto("tracker-events"); // the JMX view may still count an earlier test's
        HttpResponse<byte[]> bad = get("/not*base64!");
        HttpResponse<byte[]> post = send("POST", TrackerTest.path(TrackingLink.open("m", "r")));
        HttpResponse<byte[]> head = send("HEAD", TrackerTest.path(TrackingLink.click("https://example.com/", "m", "r")));
        assertTrue(answered.matches(10, TimeUnit.SECONDS));
        assertEquals(400, bad.statusCode());
        assertTrue(new String(bad.body()).startsWith("invalid tracking link: "), new String(bad.body()));
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertEquals(302, head.statusCode());
        assertEquals("https://example.com/", head.headers().firstValue("Location").orElse(""));
        // tracker.queue_head_requests (true): the HEAD, and only it, is an event, marked as one
        List<String> raw = awaitRaw(1);
        assertTrue(raw.get(0).contains("\"method\":\"HEAD\""), raw.get(0));
        assertTrue(raw.get(0).contains("\"act\":\"c\""), raw.get(0));
        assertEquals(eventsBefore + 1, awaitExchangesInto("tracker-events", eventsBefore + 1), "one event reached tracker-events");
        assertEquals(1, stats().refused("bad_base64"));
        assertEquals(1, stats().refused("method_not_allowed"));
        assertEquals(1, stats().getHeadRequests());
    }

    @Test
    void theBufferIsTheSedaEndpointsQueueWithItsDepthInJmx() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = jmx.queryNames(new ObjectName("org.apache.camel:" + thisContext() + "type=endpoints,*"), null);
        ObjectName seda = names.stream().filter(n -> n.getKeyProperty("name").contains("seda://tracker-events"))
                .findFirst().orElseThrow(() -> new AssertionError("no seda endpoint in " + names));
        assertEquals(100_000, jmx.getAttribute(seda, "Size"), "the queue's capacity is tracker.buffer_size");
        assertEquals(0, jmx.getAttribute(seda, "CurrentQueueSize"));
        assertEquals(1, names.stream().filter(n -> n.getKeyProperty("name").contains("seda://tracker-events")).count(),
                "one endpoint for both routes: " + names);
        assertEquals(0L, stats().getBuffered());
    }

    @Test
    void stoppingPushesWhatIsStillBufferedInOrder() throws Exception {
        TrackerStats stats = stats();
        for (int i = 0; i < 50_000; i++) {
            template.sendBody(EVENTS, "e" + i);
        }
        context.stop();
        assertEquals(50_000, redis.commands().llen("trk_queue"));
        assertEquals("e0", redis.commands().lindex("trk_queue", 0));
        assertEquals("e49999", redis.commands().lindex("trk_queue", -1));
        assertEquals(0, stats.getDropped());
        assertEquals(50_000, stats.getPushed());
    }

    /**
     * The route's exchange count once it reaches at least n, or after 10 s: an event's exchange is
     * counted as it completes, which can be after its batch's RPUSH made it visible in trk_queue.
     */
    private long awaitExchangesInto(String routeId, long n) throws Exception {
        long count = exchangesInto(routeId);
        for (int i = 0; i < 200 && count < n; i++) {
            Thread.sleep(50);
            count = exchangesInto(routeId);
        }
        return count;
    }

    private long exchangesInto(String routeId) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName route = jmx.queryNames(new ObjectName("org.apache.camel:" + thisContext() + "type=routes,name=\""
                + routeId + "\",*"), null).iterator().next();
        return (Long) jmx.getAttribute(route, "ExchangesTotal");
    }

    /**
     * This test's context in an ObjectName: the test JVM is reused across classes, and a context of
     * an earlier test can still be registered, with routes of the same names.
     */
    private String thisContext() {
        return "context=" + context.getManagementName() + ",";
    }

    private static List<String> awaitRaw(int n) throws Exception {
        List<JsonNode> nodes = awaitQueue(n);
        assertEquals(n, nodes.size(), "events in trk_queue: " + nodes);
        return redis.commands().lrange("trk_queue", 0, -1);
    }
}
