package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tracker as a process: real HTTP requests on a free port, a real Redis behind it. */
class TrackerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LinkCodec CODEC = LinkCodec.unsigned();
    private static final String README_EXAMPLE = "/tracking/open/eJxdT81uwyAMfpWI6xqSbolYeuoDrKc9AHKIoawBInCqRlXffVBt0jT5Ytnf750pcAtY46Wd2KFiH5CoOlm_ElafcLXeJLarWFQLSQoFQZjopW3bYS-G_ugD1SGCN8h15GNYvdrqZP2FU9xc2hL3SEXBJSN1DO5X4pgIr0h12f9jn24OCTL4_siHtI5fqKhw_4QiiAZJztlNrnEu3zPRcmgavOVWM3IVXGP9hDd-Jjc_ORHUJQv81N0LGF_LdAI6_T5B1-Nbr4dOTEKrHtnjG0smYWM=";

    private static TestRedis redis;
    private static AppProcess tracker;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.start();
        port = TestRedis.freePort();
        tracker = startTracker(redis, port, Map.of());
    }

    static AppProcess startTracker(TestRedis r, int httpPort, Map<String, String> env, String... flags) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("REDIS_URL", r.url());
        all.put("REDIS_EMBEDDED", "false");
        List<String> args = new java.util.ArrayList<>(List.of("tracker", "-in_hostport", "127.0.0.1:" + httpPort));
        args.addAll(List.of(flags));
        AppProcess p = AppProcess.start(all, args.toArray(new String[0]));
        p.awaitOutput("Started tracker", 60);
        return p;
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

    static String path(TrackingLink link) {
        String url = CODEC.encode("http://t", link);
        return url.substring("http://t".length());
    }

    /** Waits for n events in the queue and returns them. */
    static List<JsonNode> events(TestRedis r, int n) throws Exception {
        for (int i = 0; i < 200 && r.commands().llen("trk_queue") < n; i++) {
            Thread.sleep(25);
        }
        Thread.sleep(100); // and no more than n
        List<String> raw = r.commands().lrange("trk_queue", 0, -1);
        assertEquals(n, raw.size(), "events in trk_queue: " + raw);
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String s : raw) {
            nodes.add(JSON.readTree(s));
        }
        return nodes;
    }

    @Test
    void anOpenGetsTheGifAndItsEventIsQueuedInTheOriginalsFormat() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        HttpResponse<byte[]> r = Http.get(port, path(TrackingLink.open("0000aabbccdd00112233", "bob@example.com")),
                "User-Agent", "Mozilla/5.0 (test)");
        assertEquals(200, r.statusCode());
        assertArrayEquals(TrackingResponses.TRANSPARENT_GIF, r.body());
        assertEquals(43, r.body().length);
        assertEquals("image/gif", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-cache, max-age=0", r.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("msys-http", r.headers().firstValue("Server").orElse(""));
        assertTrue(r.headers().firstValue("User-Agent").isEmpty(), "request headers are not echoed");

        JsonNode e = events(redis, 1).get(0);
        assertEquals("o", e.at("/WD/act").asText());
        assertEquals("", e.at("/WD/t_url").asText());
        assertEquals("0000aabbccdd00112233", e.at("/WD/msg_id").asText());
        assertEquals("bob@example.com", e.at("/WD/rcpt").asText());
        assertEquals("Mozilla/5.0 (test)", e.get("ua").asText());
        assertEquals("127.0.0.1", e.get("ip").asText());
        long ts = Long.parseLong(e.get("ts").asText());
        assertTrue(ts >= before && ts <= before + 5, "ts " + ts);
        assertTrue(e.get("event_id").asText().matches("\\d{1,19}"), e.toString());
    }

    @Test
    void aClickIsRedirectedToItsTargetAndQueued() throws Exception {
        HttpResponse<byte[]> r = Http.get(port, path(TrackingLink.click("https://example.com/sale?a=1&b=2", "m1", "r1")));
        assertEquals(302, r.statusCode());
        assertEquals("https://example.com/sale?a=1&b=2", r.headers().firstValue("Location").orElse(""));
        assertEquals("msys-http", r.headers().firstValue("Server").orElse(""));
        JsonNode e = events(redis, 1).get(0);
        assertEquals("c", e.at("/WD/act").asText());
        assertEquals("https://example.com/sale?a=1&b=2", e.at("/WD/t_url").asText());
    }

    @Test
    void initialOpensPrefixPathsAndTheOldFormAllWork() throws Exception {
        assertEquals(200, Http.get(port, path(TrackingLink.initialOpen("m", "r"))).statusCode());
        assertEquals(200, Http.get(port, "/t/x" + path(TrackingLink.open("m2", "r2"))).statusCode());
        assertEquals(200, Http.get(port, README_EXAMPLE).statusCode());
        List<JsonNode> e = events(redis, 3);
        assertEquals("i", e.get(0).at("/WD/act").asText());
        assertEquals("m2", e.get(1).at("/WD/msg_id").asText());
        assertEquals("o", e.get(2).at("/WD/act").asText());
        assertEquals("http://example.com/index.html", e.get(2).at("/WD/t_url").asText());
    }

    @Test
    void eachEventGetsItsOwnId() throws Exception {
        String p = path(TrackingLink.open("m", "r"));
        for (int i = 0; i < 20; i++) {
            assertEquals(200, Http.get(port, p).statusCode());
        }
        assertEquals(20, events(redis, 20).stream().map(e -> e.get("event_id").asText()).distinct().count());
    }

    @Test
    void proxyHeadersFromATrustedProxyNameTheClient() throws Exception {
        String p = path(TrackingLink.open("m", "r"));
        Http.get(port, p, "X-Real-IP", "203.0.113.9");
        Http.get(port, p, "X-Forwarded-For", "198.51.100.7, 127.0.0.1");
        Http.get(port, p, "X-Real-IP", "not-an-ip; DROP TABLE", "X-Forwarded-For", "evil");
        Http.get(port, p, "X-Forwarded-For", "2001:db8::1");
        List<JsonNode> e = events(redis, 4);
        assertEquals("203.0.113.9", e.get(0).get("ip").asText());
        assertEquals("198.51.100.7", e.get(1).get("ip").asText());
        assertEquals("127.0.0.1", e.get(2).get("ip").asText());
        assertEquals("2001:db8::1", e.get(3).get("ip").asText());
    }

    @Test
    void proxyHeadersFromAnUntrustedPeerAreIgnored() throws Exception {
        int otherPort = TestRedis.freePort();
        try (AppProcess untrusting = startTracker(redis, otherPort, Map.of(), "-trusted_proxies", "10.0.0.0/8")) {
            Http.get(otherPort, path(TrackingLink.open("m", "r")), "X-Real-IP", "203.0.113.9", "X-Forwarded-For", "198.51.100.7");
            assertEquals("127.0.0.1", events(redis, 1).get(0).get("ip").asText());
        }
    }

    @Test
    void brokenLinksGetA400AndNoEvent() throws Exception {
        assertRefused(400, "/not*base64!");
        assertRefused(400, "/" + Base64.getUrlEncoder().encodeToString("plain text, not zlib".getBytes()));
        assertRefused(400, "/" + zlibBase64("{\"act\":\"o\",".getBytes()));
        assertRefused(400, "/" + zlibBase64("{\"act\":\"z\"}".getBytes()));
        assertRefused(400, "/favicon.ico");
        assertRefused(400, "/");
    }

    @Test
    void aZipBombIsRefusedFast() throws Exception {
        byte[] bomb = new byte[4 * 1024 * 1024];
        java.util.Arrays.fill(bomb, (byte) 'a');
        String p = "/" + zlibBase64(bomb); // about 5 KB of path inflating to 4 MB
        assertTrue(p.length() < 8000, "path " + p.length());
        assertRefused(p.length() > LinkCodec.DEFAULT_MAX_PATH_LENGTH ? 414 : 400, p);
        // a small one inflating past the bound, inside the path limit
        byte[] json = ("{\"act\":\"o\",\"rcpt\":\"" + "a".repeat(100_000) + "\"}").getBytes();
        String q = "/" + zlibBase64(json);
        assertTrue(q.length() < LinkCodec.DEFAULT_MAX_PATH_LENGTH);
        assertRefused(400, q);
    }

    @Test
    void clicksWithoutASafeTargetAreRefused() throws Exception {
        assertRefused(400, path(TrackingLink.click("", "m", "r")));
        assertRefused(400, path(TrackingLink.click("javascript:alert(1)", "m", "r")));
        assertRefused(400, path(TrackingLink.click("data:text/html,hi", "m", "r")));
        assertRefused(400, path(TrackingLink.click("//example.com/", "m", "r")));
        assertRefused(400, path(TrackingLink.click("https://example.com/\u0000x", "m", "r")));
        // CR and LF are removed as a browser removes them from an href: no header can be injected
        HttpResponse<byte[]> r = Http.get(port, path(TrackingLink.click("https://example.com/\r\nSet-Cookie: x=1", "m", "r")));
        assertEquals(302, r.statusCode());
        assertEquals("https://example.com/Set-Cookie:%20x=1", r.headers().firstValue("Location").orElse(""));
        assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        assertEquals(1, events(redis, 1).size(), "the redirected click's event, and only it (waited for: it must not reach the next test)");
    }

    @Test
    void overLongPathsGet414AndOtherMethods405() throws Exception {
        assertRefused(414, "/" + "A".repeat(LinkCodec.DEFAULT_MAX_PATH_LENGTH + 10));
        String p = path(TrackingLink.open("m", "r"));
        HttpResponse<byte[]> post = Http.send(port, "POST", p);
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
        assertEquals(405, Http.send(port, "DELETE", p).statusCode());
        assertEquals("HTTP/1.1 405 Method Not Allowed", Http.raw(port, "OPTIONS " + p + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals("HTTP/1.1 405 Method Not Allowed", Http.raw(port, "TRACE " + p + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertEquals(0, redis.commands().llen("trk_queue"));
    }

    @Test
    void headGetsTheSameHeadersAndAnEventOfItsOwnForTheFeederToFlag() throws Exception {
        HttpResponse<byte[]> head = Http.send(port, "HEAD", path(TrackingLink.open("m", "r")));
        assertEquals(200, head.statusCode());
        assertEquals("image/gif", head.headers().firstValue("Content-Type").orElse(""));
        assertEquals("43", head.headers().firstValue("Content-Length").orElse(""));
        assertEquals(0, head.body().length);
        HttpResponse<byte[]> headClick = Http.send(port, "HEAD", path(TrackingLink.click("https://example.com/", "m", "r")));
        assertEquals(302, headClick.statusCode());
        assertEquals("https://example.com/", headClick.headers().firstValue("Location").orElse(""));
        List<JsonNode> events = events(redis, 2);
        assertEquals(List.of("o", "c"), events.stream().map(e -> e.path("WD").path("act").asText()).toList());
        for (JsonNode e : events) {
            assertEquals("HEAD", e.path("method").asText(), e.toString());
        }
    }

    @Test
    void withASecretOnlySignedLinksAreAccepted() throws Exception {
        int signedPort = TestRedis.freePort();
        LinkCodec signer = LinkCodec.builder().secret("s3cret").build();
        String signed = signer.encode("http://t", TrackingLink.click("https://example.com/", "m", "r")).substring(8);
        String forged = signed.substring(0, signed.length() - 8) + "AAAAAAA=";
        String unsigned = path(TrackingLink.click("https://evil.example/", "m", "r"));
        try (AppProcess t = startTracker(redis, signedPort, Map.of("LINK_SECRET", "s3cret"))) {
            assertEquals(302, Http.get(signedPort, signed).statusCode());
            assertEquals(400, Http.get(signedPort, unsigned).statusCode());
            assertEquals(400, Http.get(signedPort, forged).statusCode());
            assertEquals(1, events(redis, 1).size());
        }
        redis.commands().del("trk_queue");
        int migratingPort = TestRedis.freePort();
        try (AppProcess t = startTracker(redis, migratingPort, Map.of("LINK_SECRET", "s3cret"), "-accept_unsigned")) {
            assertEquals(302, Http.get(migratingPort, unsigned).statusCode());
            assertEquals(302, Http.get(migratingPort, signed).statusCode());
            assertEquals(400, Http.get(migratingPort, forged).statusCode());
            assertEquals(2, events(redis, 2).size());
        }
    }

    private static void assertRefused(int status, String path) throws Exception {
        long before = redis.commands().llen("trk_queue");
        HttpResponse<byte[]> r = Http.get(port, path);
        assertEquals(status, r.statusCode(), new String(r.body()));
        assertTrue(r.headers().firstValue("Location").isEmpty());
        Thread.sleep(50);
        assertEquals(before, redis.commands().llen("trk_queue"), "no event for " + path);
    }

    static String zlibBase64(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(out, new Deflater(9))) {
            z.write(data);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return Base64.getUrlEncoder().encodeToString(out.toByteArray());
    }
}
