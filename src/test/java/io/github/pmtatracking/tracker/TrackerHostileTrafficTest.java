package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker against clients that are hostile or merely unusual, over raw sockets: chunked bodies,
 * HEAD on a kept-alive connection, HTTP/1.0 without Host, UTF-8 user agents, slow and idle clients.
 */
class TrackerHostileTrafficTest {

    private static TestRedis redis;
    private static AppProcess tracker;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.start();
        port = TestRedis.freePort();
        tracker = TrackerTest.startTracker(redis, port,
                Map.of("TRACKER_HEADER_TIMEOUT_SECONDS", "2", "TRACKER_KEEPALIVE_TIMEOUT_SECONDS", "3"));
    }

    @AfterAll
    static void stop() {
        tracker.close();
        redis.close();
    }

    @BeforeEach
    void emptyQueue() {
        redis.commands().del("trk_queue");
    }

    private static String openPath(String rcpt) {
        return TrackerTest.path(TrackingLink.open("0000aabbccdd00112233", rcpt));
    }

    @Test
    void requestsWithBodiesThatNeverEndAreAnsweredAndNeverStallTheListener() throws Exception {
        String p = openPath("chunked@example.com");
        List<Socket> held = new ArrayList<>();
        try {
            // more than the tracker has I/O threads (2 per core): before the fix each one parked a thread for good
            for (int i = 0; i < 12; i++) {
                Socket post = connect();
                held.add(post);
                send(post, "POST " + p + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
                assertEquals("HTTP/1.1 405 Method Not Allowed", response(post).status, "POST " + i);

                Socket get = connect();
                held.add(get);
                // a GET whose chunked body has begun and never ends
                send(get, "GET " + p + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
                Response r = response(get);
                assertEquals("HTTP/1.1 200 OK", r.status, "GET " + i);
                assertArrayEquals(TrackingResponses.TRANSPARENT_GIF, r.body);

                Socket withLength = connect();
                held.add(withLength);
                send(withLength, "POST " + p + " HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
                assertEquals("HTTP/1.1 405 Method Not Allowed", response(withLength).status, "POST with length " + i);
            }
            // while all of those are still open, every open is answered
            for (int i = 0; i < 20; i++) {
                assertEquals(200, Http.get(port, openPath("after" + i + "@example.com")).statusCode());
            }
            assertTrue(TrackerTest.events(redis, 32).size() == 32); // 12 chunked GETs + 20 plain ones
            String ready = Http.getText(tracker.managementPort(), "/observe/health/ready").body();
            assertTrue(ready.contains("\"status\":\"UP\""), ready);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aBodyThatEndsLeavesTheConnectionReadyForTheNextRequest() throws Exception {
        String p = openPath("keepalive@example.com");
        try (Socket s = connect()) {
            send(s, "GET " + p + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n"
                    + "GET " + p + " HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET " + p + " HTTP/1.1\r\nHost: t\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                Response r = response(s);
                assertEquals("HTTP/1.1 200 OK", r.status, "answer " + i);
                assertArrayEquals(TrackingResponses.TRANSPARENT_GIF, r.body, "answer " + i);
            }
        }
        assertEquals(3, TrackerTest.events(redis, 3).size());
    }

    @Test
    void headAnswersCarryHeadersOnlySoTheNextAnswerOnTheConnectionIsReadRight() throws Exception {
        String open = openPath("head@example.com");
        String click = TrackerTest.path(TrackingLink.click("https://example.com/x", "m1", "r1"));
        try (Socket s = connect()) {
            send(s, "HEAD " + open + " HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "HEAD /not-a-link HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "HEAD " + click + " HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET " + open + " HTTP/1.1\r\nHost: t\r\n\r\n");
            Response head = headResponse(s);
            assertEquals("HTTP/1.1 200 OK", head.status);
            assertEquals("43", head.headers.get("content-length"), "the length a GET would get");
            assertEquals("image/gif", head.headers.get("content-type"));
            Response refused = headResponse(s);
            assertEquals("HTTP/1.1 400 Bad Request", refused.status);
            Response redirect = headResponse(s);
            assertEquals("HTTP/1.1 302 Found", redirect.status);
            assertEquals("https://example.com/x", redirect.headers.get("location"));
            Response get = response(s);
            assertEquals("HTTP/1.1 200 OK", get.status, "the GET's answer starts right after the HEADs' headers");
            assertArrayEquals(TrackingResponses.TRANSPARENT_GIF, get.body);
        }
        List<JsonNode> events = TrackerTest.events(redis, 3);
        assertEquals(3, events.size(), "each HEAD an event of its own, and the GET one");
        assertEquals(2, events.stream().filter(e -> e.path("method").asText().equals("HEAD")).count(), events.toString());
        assertEquals(1, events.stream().filter(e -> e.path("method").isMissingNode()).count(), "the GET's event says no method");
    }

    @Test
    void http10WithoutHostIsServed() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET " + openPath("old@example.com") + " HTTP/1.0\r\nUser-Agent: old/1.0\r\n\r\n");
            Response r = response(s);
            assertEquals("HTTP/1.1 200 OK", r.status);
            assertArrayEquals(TrackingResponses.TRANSPARENT_GIF, r.body);
        }
        JsonNode e = TrackerTest.events(redis, 1).get(0);
        assertEquals("old@example.com", e.at("/WD/rcpt").asText());
        assertEquals("old/1.0", e.get("ua").asText());
        // HTTP/1.1 still needs its Host (RFC 9112 3.2)
        assertEquals("HTTP/1.1 400 Bad Request", Http.raw(port, "GET " + openPath("x@example.com") + " HTTP/1.1\r\n\r\n"));
    }

    @Test
    void aUtf8UserAgentArrivesAsTheSameText() throws Exception {
        String ua = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Ünïcødé 日本語 📧";
        byte[] head = ("GET " + openPath("utf8@example.com") + " HTTP/1.1\r\nHost: t\r\nUser-Agent: ").getBytes(StandardCharsets.US_ASCII);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(head);
            out.write(ua.getBytes(StandardCharsets.UTF_8));
            out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", response(s).status);
            // bytes that are not UTF-8 are kept, one char per byte
            out.write(head);
            out.write(new byte[] {'a', (byte) 0xe9, 'b'});
            out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", response(s).status);
        }
        List<JsonNode> events = TrackerTest.events(redis, 2);
        assertEquals(ua, events.get(0).get("ua").asText());
        assertEquals("a\u00e9b", events.get(1).get("ua").asText());
    }

    @Test
    void unreadableRequestsGetTheirPreciseStatus() throws Exception {
        String longTarget = "/" + "A".repeat(70_000);
        assertEquals("HTTP/1.1 414 Request-URI Too Long", Http.raw(port, "GET " + longTarget + " HTTP/1.1\r\nHost: t\r\n\r\n"));
        String bigHeader = "X-Big: " + "b".repeat(10_000) + "\r\n";
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large",
                Http.raw(port, "GET / HTTP/1.1\r\nHost: t\r\n" + bigHeader + "\r\n"));
        assertEquals("HTTP/1.1 400 Bad Request", Http.raw(port, "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n"));
        assertEquals(200, Http.get(port, openPath("fine@example.com")).statusCode());
        assertEquals(1, TrackerTest.events(redis, 1).size()); // queued before the next test empties the queue
    }

    @Test
    void aClientThatNeverFinishesItsHeaderIsClosedAfterTheHeaderTimeout() throws Exception {
        try (Socket silent = connect(); Socket slow = connect()) {
            send(slow, "GET " + openPath("slow@example.com") + " HTTP/1.1\r\nHost: t\r\n");
            long start = System.nanoTime();
            assertEquals(-1, readUntilClosed(silent, 10_000), "nothing answered, then closed");
            assertEquals(-1, readUntilClosed(slow, 10_000));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 1.0 && seconds < 8, "closed after about 2 s, took " + seconds);
        }
        String metrics = Http.getText(tracker.managementPort(), "/observe/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("pmta_tracker_connections_closed_total{reason=\"header_timeout\"")
                && !l.endsWith(" 0.0")), metrics);
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeoutButServedBefore() throws Exception {
        try (Socket s = connect()) {
            send(s, "GET " + openPath("idle1@example.com") + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", response(s).status);
            Thread.sleep(1500); // under the 3 s keep-alive timeout: still served
            send(s, "GET " + openPath("idle2@example.com") + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals("HTTP/1.1 200 OK", response(s).status);
            long start = System.nanoTime();
            assertEquals(-1, readUntilClosed(s, 10_000));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 2.0 && seconds < 8, "closed after about 3 s idle, took " + seconds);
        }
        assertEquals(2, TrackerTest.events(redis, 2).size());
    }

    @Test
    void aClientThatPipelinesWithoutReadingIsSlowedDownAndLosesNothing() throws Exception {
        int n = 100_000;
        byte[] request = ("GET " + openPath("pipelined@example.com") + " HTTP/1.1\r\nHost: t\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024); // the client reads nothing: answers can only pile up on the tracker's side
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port));
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 1 << 16);
                    for (int i = 0; i < n; i++) {
                        out.write(request);
                    }
                    out.flush();
                } catch (IOException e) {
                    // the test fails below if requests went missing
                }
            });
            writer.start();
            // wait until the tracker stops taking requests (or has taken them all)
            long taken = 0;
            for (int still = 0, i = 0; still < 3 && taken < n && i < 60; i++) {
                Thread.sleep(500);
                long now = redis.commands().llen("trk_queue");
                still = now == taken && now > 0 ? still + 1 : 0; // (the first requests wait on JIT warm-up)
                taken = now;
            }
            assertTrue(taken < n / 2, "requests read while the client read no answers: " + taken);
            assertEquals(200, Http.get(port, openPath("other@example.com")).statusCode(), "others are served meanwhile");
            // now the client reads: every request is answered
            InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1 << 16);
            for (int i = 0; i < n; i++) {
                assertEquals("HTTP/1.1 200 OK", readResponse(in).status, "answer " + i);
            }
            writer.join(10_000);
        }
        for (int i = 0; i < 400 && redis.commands().llen("trk_queue") < n + 1; i++) {
            Thread.sleep(50);
        }
        assertEquals(n + 1, redis.commands().llen("trk_queue"));
    }

    @Test
    void aClickWhoseTargetHasTabsOrNewlinesRedirectsWhereABrowserWouldGo() throws Exception {
        // as an older wrapper wrapped an href with a TAB and a newline in it
        String p = TrackerTest.path(TrackingLink.click(" https://exa\tmple.com/sale\n?a=1 ", "m1", "r1"));
        java.net.http.HttpResponse<byte[]> r = Http.get(port, p);
        assertEquals(302, r.statusCode());
        assertEquals("https://example.com/sale?a=1", r.headers().firstValue("Location").orElse(""));
        assertEquals(400, Http.get(port, TrackerTest.path(TrackingLink.click("java\tscript:alert(1)", "m1", "r1"))).statusCode());
        assertEquals(1, TrackerTest.events(redis, 1).size());
    }

    @Test
    void theStartupLogNamesTheLoopbackManagementAddressNotEveryAddress() {
        String log = tracker.output();
        assertTrue(log.contains("Management server on http://127.0.0.1:" + tracker.managementPort() + "/observe/"), log);
        assertTrue(!log.contains("0.0.0.0"), log);
    }

    // ---------------------------------------------------------------- raw HTTP/1.1 over a socket

    private record Response(String status, Map<String, String> headers, byte[] body) {
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(5000);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** An answer to a HEAD: the status and headers, and no body whatever Content-Length says. */
    private static Response headResponse(Socket s) throws IOException {
        return read(s, true);
    }

    private static Response response(Socket s) throws IOException {
        return read(s, false);
    }

    private static Response read(Socket s, boolean head) throws IOException {
        return read(s.getInputStream(), head);
    }

    private static Response readResponse(InputStream in) throws IOException {
        return read(in, false);
    }

    private static Response read(InputStream in, boolean head) throws IOException {
        String status = line(in);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        byte[] body = new byte[0];
        if (!head) {
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = in.readNBytes(length);
        }
        return new Response(status, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString(StandardCharsets.ISO_8859_1).trim();
    }

    /** Reads until the peer closes (returns -1) or the wait runs out (throws). */
    private static int readUntilClosed(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        try {
            InputStream in = s.getInputStream();
            int c;
            while ((c = in.read()) >= 0) {
                // discard whatever comes first
            }
            return c;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + millis + " ms", e);
        } catch (java.net.SocketException e) {
            return -1; // reset by the peer: closed as well
        }
    }
}
