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
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * A local HTTPS stand-in for the SparkPost Ingest API. It records each request (method, path,
 * headers, the gunzipped NDJSON) and answers from a script of statuses, then 200 with a results id.
 * Its certificate is self-signed; {@link #trustStoreOptions} lets a feeder process trust it.
 */
public final class IngestStandIn implements AutoCloseable {

    /** One request as received. */
    public record Request(String method, String path, Map<String, List<String>> headers, List<JsonNode> events,
                          int rawBytes, int status) {
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
    private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch hold; // when set, answers wait for it

    private IngestStandIn(HttpsServer server, TestTls tls) {
        this.server = server;
        this.tls = tls;
    }

    public static IngestStandIn start(int port) throws Exception {
        TestTls tls = TestTls.create();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.setExecutor(Executors.newFixedThreadPool(4));
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
        script.addAll(List.of(statuses));
    }

    /** Requests are read and recorded but not answered until {@link #release}. */
    public void holdAnswers() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
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
        Integer scripted = script.poll();
        int status = error != null ? 400 : scripted != null ? scripted : 200;
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
                events, rawBytes, status));
        CountDownLatch h = hold;
        if (h != null) {
            try {
                h.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String answer = status / 100 == 2
                ? "{\"results\":{\"id\":\"" + UUID.randomUUID() + "\"}}"
                : "{\"errors\":[{\"message\":\"" + (error != null ? error : "scripted " + status) + "\"}]}";
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
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
        release();
        server.stop(0);
    }
}
