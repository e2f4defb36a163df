package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.SmtpScript;
import io.github.pmtatracking.testing.TestRedis;
import io.github.pmtatracking.testing.UpstreamSmtp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/*.yaml edited under load: the tracker's and the wrapper's routes reload, and nothing a
 * client was told is done goes missing. SMTP clients that are told 421 (the proxy restarting) send
 * again, as MTAs do; a message the upstream got twice would show in the count.
 */
class RouteReloadTest {

    private static final LinkCodec CODEC = LinkCodec.builder().build();

    @TempDir
    Path home;

    @Test
    void editedRoutesReloadUnderLoadWithoutLosingAMessageOrAnEvent() throws Exception {
        Path routes = Files.createDirectories(home.resolve("routes"));
        Files.copy(Path.of("routes/tracker.yaml"), routes.resolve("tracker.yaml"));
        Files.copy(Path.of("routes/wrapper.yaml"), routes.resolve("wrapper.yaml"));
        int trackerPort = TestRedis.freePort();
        int smtpPort = TestRedis.freePort();
        try (TestRedis redis = TestRedis.start();
             UpstreamSmtp upstream = UpstreamSmtp.plain();
             AppProcess app = AppProcess.start(Map.of("REDIS_URL", redis.url(), "REDIS_EMBEDDED", "false"),
                     List.of("-Dpmta.home=" + home),
                     "tracker", "-in_hostport", "127.0.0.1:" + trackerPort,
                     "wrapper", "-in_hostport", "127.0.0.1:" + smtpPort, "-out_hostport", "127.0.0.1:" + upstream.port())) {
            app.awaitOutput("Started wrapper", 60);
            assertTrue(app.output().contains("Routes reload when tracker.yaml, wrapper.yaml in " + routes + " change"), app.output());

            AtomicBoolean running = new AtomicBoolean(true);
            TrackerClient clicks = new TrackerClient(trackerPort, running);
            List<SmtpClient> senders = List.of(new SmtpClient(smtpPort, "a", running), new SmtpClient(smtpPort, "b", running));
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(clicks));
            senders.forEach(s -> threads.add(new Thread(s)));
            threads.forEach(Thread::start);
            Thread.sleep(1000);

            // a broken edit (YAML that does not parse), and one Camel only sees when it builds the route
            // (a setHeader without a value): both refused, the running routes stay
            // each edit adds a step at the end of the tracker route, the file's first
            String trackerYaml = Files.readString(routes.resolve("tracker.yaml"));
            Files.writeString(routes.resolve("tracker.yaml"), trackerRouteEnd(trackerYaml, "        - setHeader: [unclosed\n"));
            app.awaitOutput("routes/tracker.yaml was not loaded", 30);
            Files.writeString(routes.resolve("tracker.yaml"), trackerRouteEnd(trackerYaml, "        - setHeader:\n            name: X-Route-Version\n"));
            awaitCount(app, "routes/tracker.yaml was not loaded", 2);
            Thread.sleep(500);
            assertEquals(0, clicks.version2.get());

            // the tracker's answers get a header, the wrapper logs each message: both visible once reloaded
            Files.writeString(routes.resolve("tracker.yaml"), trackerRouteEnd(trackerYaml,
                    "        - setHeader:\n            name: X-Route-Version\n            constant: \"2\"\n"));
            Files.writeString(routes.resolve("wrapper.yaml"), Files.readString(routes.resolve("wrapper.yaml"))
                    + "        - log:\n            message: \"wrapper route v2: ${header.SmtpProxyMessageId}\"\n");
            app.awaitOutput("wrapper route v2: ", 60);
            for (int i = 0; i < 200 && clicks.version2.get() == 0; i++) {
                Thread.sleep(50);
            }
            Thread.sleep(1000); // and a while on the new routes
            running.set(false);
            for (Thread t : threads) {
                t.join(60_000);
            }

            String out = app.output();
            assertTrue(out.contains("Routes reloaded summary"), out);
            assertTrue(clicks.version2.get() > 0, "the tracker answered with the new route: " + out);
            // while the tracker's route is swapped, netty-http answers 404 or 503 (no route, or one
            // stopping): nothing is recorded for those, and nothing else goes wrong
            assertTrue(clicks.errors.isEmpty(), clicks.errors.toString());
            // a bound on a stuck swap, not a speed figure: on a loaded 2-core CI machine one swap
            // took 5.3 s, so the bound is wide
            assertTrue(clicks.longestOutage < TimeUnit.SECONDS.toNanos(15),
                    "longest time without an answer: " + clicks.longestOutage / 1_000_000 + " ms");
            assertEquals(2, count(app.output(), "was not loaded"), app.output());

            // every message was acknowledged in the end, and the upstream has each exactly once
            Set<String> acknowledged = new HashSet<>();
            senders.forEach(s -> acknowledged.addAll(s.acknowledged));
            assertTrue(acknowledged.size() > 20, "messages sent: " + acknowledged.size());
            Map<String, Integer> upstreamCopies = new HashMap<>();
            for (UpstreamSmtp.Received r : upstream.received()) {
                String text = r.text();
                int at = text.indexOf("Subject: ");
                upstreamCopies.merge(text.substring(at + 9, text.indexOf('\r', at)), 1, Integer::sum);
            }
            assertEquals(acknowledged, upstreamCopies.keySet(), "each acknowledged message reached the upstream");
            upstreamCopies.forEach((subject, n) -> assertEquals(1, n, subject + " reached the upstream " + n + " times"));

            // every answered request's event is on the queue
            Set<String> queued = new HashSet<>();
            for (int i = 0; i < 100 && queued.size() < clicks.answered.size(); i++) {
                Thread.sleep(100);
                queued.clear();
                for (String e : redis.commands().lrange("trk_queue", 0, -1)) {
                    int at = e.indexOf("\"msg_id\":\"");
                    queued.add(e.substring(at + 10, e.indexOf('"', at + 10)));
                }
            }
            assertTrue(queued.containsAll(clicks.answered), "answered " + clicks.answered.size() + ", queued " + queued.size());
            int restarts = senders.stream().mapToInt(s -> s.restartReplies.get()).sum();
            System.out.printf("reload under load: %d messages, %d told 421 restarting and sent again; %d tracker requests"
                            + " answered, %d answered 404/503 and %d refused during the swaps (longest time without an"
                            + " answer: %.0f ms)%n",
                    acknowledged.size(), restarts, clicks.answered.size(), clicks.notFound.size(), clicks.refused.get(),
                    clicks.longestOutage / 1e6);
        }
    }

    /** Opens, one after another, until stopped; a refused connection is tried again. */
    private static final class TrackerClient implements Runnable {
        final int port;
        final AtomicBoolean running;
        final Set<String> answered = ConcurrentHashMap.newKeySet();
        final AtomicInteger version2 = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final List<String> notFound = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        volatile long outageStarted;
        volatile long longestOutage;

        void failed() {
            if (outageStarted == 0) {
                outageStarted = System.nanoTime();
            }
        }

        void answered() {
            if (outageStarted != 0) {
                longestOutage = Math.max(longestOutage, System.nanoTime() - outageStarted);
                outageStarted = 0;
            }
        }


        TrackerClient(int port, AtomicBoolean running) {
            this.port = port;
            this.running = running;
        }

        @Override
        public void run() {
            for (int i = 0; running.get(); i++) {
                String id = "open-" + i;
                try {
                    HttpResponse<byte[]> r = Http.get(port, CODEC.encode("http://t", TrackingLink.open(id, "r"))
                            .substring("http://t".length()));
                    boolean isNew = r.headers().firstValue("X-Route-Version").isPresent();
                    if (r.statusCode() == 404 || r.statusCode() == 503) {
                        notFound.add(id);
                        failed();
                        continue;
                    }
                    answered();
                    if (r.statusCode() != 200) {
                        errors.add(id + ": " + r.statusCode());
                        continue;
                    }
                    answered.add(id);
                    if (isNew) {
                        version2.incrementAndGet();
                    }
                } catch (IOException e) {
                    refused.incrementAndGet(); // the listener is rebinding: no answer, so nothing was promised
                    failed();
                    sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Sends messages over sessions of five until stopped, sending again whatever was not
     * acknowledged; a message it has begun is finished before it stops.
     */
    private static final class SmtpClient implements Runnable {
        final int port;
        final String name;
        final AtomicBoolean running;
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicInteger restartReplies = new AtomicInteger();

        SmtpClient(int port, String name, AtomicBoolean running) {
            this.port = port;
            this.name = name;
            this.running = running;
        }

        @Override
        public void run() {
            int next = 0;
            while (running.get()) {
                try (SmtpScript c = new SmtpScript(port)) {
                    if (!ok(c.reply(), "220") || !ok(c.command("EHLO reload.example"), "250")) {
                        continue;
                    }
                    for (int inSession = 0; inSession < 5 && running.get(); inSession++) {
                        String subject = name + "-" + next;
                        if (!ok(c.command("MAIL FROM:<" + name + "@example.com>"), "250")
                                || !ok(c.command("RCPT TO:<bob@example.com>"), "250")
                                || !ok(c.command("DATA"), "354")
                                || !ok(c.command("Subject: " + subject + "\r\n\r\nbody of " + subject + "\r\n."), "250")) {
                            break; // a new session sends it again
                        }
                        acknowledged.add(subject);
                        next++;
                    }
                    c.command("QUIT");
                } catch (IOException e) {
                    sleep(5); // refused while the listener rebinds, or cut: send again
                }
            }
        }

        private boolean ok(String reply, String code) {
            if (reply != null && reply.startsWith("421 4.3.2")) {
                restartReplies.incrementAndGet();
            }
            return reply != null && reply.startsWith(code);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    /** tracker.yaml with {@code step} as the last step of its first route, the tracker's. */
    private static String trackerRouteEnd(String trackerYaml, String step) {
        int next = trackerYaml.indexOf("\n- route:", trackerYaml.indexOf("- route:") + 1);
        int at = trackerYaml.lastIndexOf("\n\n", next) + 1;
        assertTrue(next > 0 && at > 0, "tracker.yaml: the tracker route, then tracker-events");
        return trackerYaml.substring(0, at) + step + trackerYaml.substring(at);
    }

    private static void awaitCount(AppProcess app, String part, int n) throws InterruptedException {
        for (int i = 0; i < 300 && count(app.output(), part) < n; i++) {
            Thread.sleep(100);
        }
        assertEquals(n, count(app.output(), part), app.output());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
