package io.github.pmtatracking.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A local HTTPS stand-in for the SparkPost Ingest API. It records each request (method, path,
 * headers, the gunzipped NDJSON, when it came) and answers from a script of statuses (with headers
 * such as Retry-After), then 200 with a results id. It can also behave as a slow or broken API:
 * answer late, hold answers until told, refuse batches above a size with 413.
 * Its certificate is self-signed; {@link #trustStoreOptions} lets a feeder process trust it.
 */
public final class IngestStandIn implements AutoCloseable {

    /** One request as received. */
    public record Request(String method, String path, Map<String, List<String>> headers, List<JsonNode> events,
                          int rawBytes, int status, long receivedMillis) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final TestTls tls;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    /** A scripted answer: a status and its response headers. */
    private record Answer(int status, Map<String, String> headers) {
    }

    /** Answers held back until {@link #release}d: requests that arrived while it was the current hold. */
    public static final class Hold {
        private final CountDownLatch latch = new CountDownLatch(1);

        public void release() {
            latch.countDown();
        }
    }

    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Hold> holds = Collections.synchronizedList(new ArrayList<>());
    private volatile Hold hold; // when set, answers to new requests wait for it
    private volatile long answerDelayMillis;
    private volatile int maxEvents = Integer.MAX_VALUE; // larger batches get 413
    private volatile int maxRawBytes = Integer.MAX_VALUE;

    private IngestStandIn(HttpsServer server, TestTls tls) {
        this.server = server;
        this.tls = tls;
    }

    /** One certificate for every stand-in of a test JVM: three keytool runs cost 1.5-5.5 s per test. */
    private static TestTls sharedTls;

    private static synchronized TestTls tls() throws Exception {
        if (sharedTls == null) {
            sharedTls = TestTls.create();
        }
        return sharedTls;
    }

    public static IngestStandIn start(int port) throws Exception {
        TestTls tls = tls();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.setExecutor(Executors.newFixedThreadPool(8)); // held answers must not starve the others
        IngestStandIn standIn = new IngestStandIn(server, tls);
        server.createContext("/", standIn::handle);
        server.start();
        return standIn;
    }

    /** JVM options that make a feeder process trust this server (the JVM's standard trust store options). */
    public List<String> trustStoreOptions() {
        return tls.trustStoreOptions();
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next answers, in order (after them: 200 with a results id). */
    public void answer(Integer... statuses) {
        for (int s : statuses) {
            script.add(new Answer(s, Map.of()));
        }
    }

    /** The next answer, with one response header (Retry-After, Location...). */
    public void answer(int status, String header, String value) {
        script.add(new Answer(status, Map.of(header, value)));
    }

    /** Every answer waits this long after its request was read: an API slower than the feeder's lease. */
    public void answerAfter(long millis) {
        answerDelayMillis = millis;
    }

    /** A batch of more than this many events, or more than this many NDJSON bytes, is answered 413. */
    public void refuseLargerThan(int events, int rawBytes) {
        maxEvents = events;
        maxRawBytes = rawBytes;
    }

    /** Requests from now on are read and recorded but not answered until the hold is released. */
    public Hold holdAnswers() {
        Hold h = new Hold();
        holds.add(h);
        hold = h;
        return h;
    }

    /** Requests from now on are answered at once; those already held keep waiting for their hold. */
    public void stopHolding() {
        hold = null;
    }

    /** Stops holding and releases the current hold. */
    public void release() {
        Hold h = hold;
        hold = null;
        if (h != null) {
            h.release();
        }
    }

    public List<Request> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    /** Every event received in a 2xx-answered request. */
    public List<JsonNode> acceptedEvents() {
        List<JsonNode> all = new ArrayList<>();
        for (Request r : requests()) {
            if (r.status() / 100 == 2) {
                all.addAll(r.events());
            }
        }
        return all;
    }

    public void awaitAccepted(int events, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (acceptedEvents().size() < events) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stand-in accepted " + acceptedEvents().size() + " of " + events + " events");
            }
            Thread.sleep(50);
        }
    }

    /** Waits until every one of these event ids was in a 2xx-answered request (at least once). */
    public void awaitAcceptedIds(Set<String> eventIds, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Set<String> missing = new TreeSet<>(eventIds);
            acceptedEvents().forEach(e -> missing.remove(e.at("/msys/track_event/event_id").asText()));
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(missing.size() + " of " + eventIds.size() + " events never accepted, e.g. "
                        + missing.stream().limit(5).toList() + "; requests: " + requests().size());
            }
            Thread.sleep(50);
        }
    }

    public void awaitRequests(int n, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (requests().size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stand-in got " + requests().size() + " of " + n + " requests");
            }
            Thread.sleep(50);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        List<JsonNode> events = new ArrayList<>();
        String error = null;
        int rawBytes = 0;
        try {
            byte[] raw = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
            rawBytes = raw.length;
            for (String line : new String(raw, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    events.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            error = "body is not gzipped NDJSON: " + e.getMessage();
        }
        long received = System.currentTimeMillis();
        boolean tooLarge = events.size() > maxEvents || rawBytes > maxRawBytes;
        Answer scripted = error != null || tooLarge ? null : script.poll(); // a 413 leaves the script for the next
        int status = error != null ? 400 : tooLarge ? 413 : scripted != null ? scripted.status() : 200;
        Hold h = hold;
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
                events, rawBytes, status, received));
        try {
            if (h != null) {
                h.latch.await(60, TimeUnit.SECONDS);
            }
            long delay = answerDelayMillis;
            if (delay > 0) {
                Thread.sleep(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String answer = status / 100 == 2
                ? "{\"results\":{\"id\":\"" + UUID.randomUUID() + "\"}}"
                : "{\"errors\":[{\"message\":\"" + (error != null ? error : "scripted " + status) + "\"}]}";
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (scripted != null) {
            scripted.headers().forEach(ex.getResponseHeaders()::set);
        }
        try {
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException clientGone) {
            // the feeder was killed while waiting
        }
        ex.close();
    }

    @Override
    public void close() {
        hold = null;
        synchronized (holds) {
            holds.forEach(Hold::release);
        }
        server.stop(0);
    }
}
