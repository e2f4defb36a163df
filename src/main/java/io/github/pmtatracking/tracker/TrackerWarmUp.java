package io.github.pmtatracking.tracker;

import io.github.pmtatracking.app.LogFiles;
import io.github.pmtatracking.config.HostPort;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker's warm-up at start (tracker.warmup_seconds): before the process says it has started,
 * its own listener is sent real tracking requests over loopback (opens, clicks, HEADs, refusals,
 * their links encoded and signed as the wrapper's), so the JIT has compiled the request path before
 * a campaign's traffic meets it. Cold, the tracker answered about a fifth of its warm rate over its
 * first 10 s (README, Benchmarks).
 *
 * <p>The listener is open meanwhile and serves whoever comes: the warm-up ends as soon as a request
 * of anyone else arrives (which warms the JIT as well), when the JIT has gone quiet, or after
 * tracker.warmup_seconds. Its own requests carry a header with a secret made for this process:
 * they are answered as any other, but not counted, logged or queued, so no warm-up event ever
 * reaches Redis.
 */
public final class TrackerWarmUp implements StartupListener {

    static final String HEADER = "X-Pmta-Warm-Up";

    private static final Logger LOG = LoggerFactory.getLogger(TrackerWarmUp.class);
    private static final int CONNECTIONS = 32;
    private static final int DISTINCT_REQUESTS = 1024;
    private static final long SAMPLE_MILLIS = 500;
    /** At least this long: the first compilations start only after some thousand requests. */
    private static final long MIN_MILLIS = 5000;
    /** Quiet: the JIT compiled for less than this share of the time, over this many samples in a row. */
    private static final double QUIET_SHARE = 0.05;
    private static final int QUIET_SAMPLES = 4;
    private static final List<String> USER_AGENTS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
            "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
            "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)");

    private final long millis;
    private final HostPort listen;
    private final boolean epoll;
    private final LinkCodec codec;
    private final TrackerStats stats;
    private final byte[] secret;
    private final String secretText;
    private final Supplier<WarmUpEvents> events;
    private final AtomicBoolean once = new AtomicBoolean();
    private volatile boolean running;
    private volatile long answered;

    /** {@code events}: the route that warms the way to Redis, made when the warm-up starts. */
    public TrackerWarmUp(long seconds, HostPort listen, boolean epoll, LinkCodec codec, TrackerStats stats,
                         Supplier<WarmUpEvents> events) {
        this.events = events;
        this.millis = seconds * 1000;
        this.listen = listen;
        this.epoll = epoll;
        this.codec = codec;
        this.stats = stats;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.secretText = HexFormat.of().formatHex(random);
        this.secret = secretText.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether this request is one of the warm-up's own: it carries the secret. Checked for every
     * request, also after the warm-up: a request the warm-up sent just before it ended may be read
     * after that (the secret never leaves the process but over loopback to itself).
     */
    boolean marks(HttpRequest request) {
        String value = request.headers().get(HEADER);
        return value != null && MessageDigest.isEqual(secret, value.getBytes(StandardCharsets.US_ASCII));
    }

    /** Its own requests the listener answered. */
    long answered() {
        return answered;
    }

    /** While it runs, the tracker's readiness is down ({@link WarmUpHealthCheck}). */
    boolean running() {
        return running;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes are not started yet: the warm-up waits until they are
    }

    /** Starts the warm-up on a thread of its own: the process's other services go on starting. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        ServiceStatus route = context.getRouteController().getRouteStatus("tracker");
        // once per process (alreadyStarted is true here: the context is started by now)
        if (!once.compareAndSet(false, true) || millis <= 0 || route == null || !route.isStarted()) {
            return;
        }
        running = true;
        Thread thread = new Thread(() -> run(context), "tracker-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(CamelContext context) {
        List<FullHttpRequest> requests = requests();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long before = stats.requests();
        String end = "after tracker.warmup_seconds";
        LogFiles.discardThroughTwin(TrackingRequestProcessor.WARM_UP_EVENTS_LOG);
        try (WarmUpEvents eventRoute = events.get()) {
            eventRoute.start(context);
            try (WarmUpTraffic traffic = new WarmUpTraffic(listen.fromThisHost().socketAddress(), epoll, CONNECTIONS,
                    n -> requests.get(n % requests.size()).retainedDuplicate())) {
                long compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
                int quietSamples = 0;
                long elapsed = 0;
                while (elapsed < millis) {
                    Thread.sleep(SAMPLE_MILLIS);
                    elapsed = (System.nanoTime() - start) / 1_000_000;
                    if (context.isStopping() || context.isStopped()) {
                        end = "as the process stopped";
                        break;
                    }
                    if (stats.requests() != before) {
                        end = "as other requests arrived";
                        break;
                    }
                    if (traffic.failed() >= CONNECTIONS) {
                        end = "as its connections failed";
                        break;
                    }
                    long now = jitTimed ? jit.getTotalCompilationTime() : 0;
                    quietSamples = jitTimed && now - compiled < QUIET_SHARE * SAMPLE_MILLIS ? quietSamples + 1 : 0;
                    compiled = now;
                    if (quietSamples >= QUIET_SAMPLES && elapsed >= MIN_MILLIS) {
                        end = "as the JIT went quiet";
                        break;
                    }
                }
                answered = traffic.answered();
                LOG.info("Tracker warmed up: {} requests of its own in {} ms, ended {} (JIT compile time so far {} ms); ready",
                        traffic.answered(), (System.nanoTime() - start) / 1_000_000, end,
                        jitTimed ? jit.getTotalCompilationTime() : "n/a");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("The tracker's warm-up failed, the tracker runs cold: {}", e.toString());
        } finally {
            running = false;
            requests.forEach(FullHttpRequest::release);
        }
    }

    /**
     * What a campaign's traffic holds: opens, initial opens and clicks in links as the wrapper
     * writes them, a HEAD now and then (link scanners), a link that does not decode, a query string,
     * user agents and forwarded addresses of mail clients and proxies.
     */
    private List<FullHttpRequest> requests() {
        List<FullHttpRequest> requests = new ArrayList<>(DISTINCT_REQUESTS);
        for (int i = 0; i < DISTINCT_REQUESTS; i++) {
            String messageId = String.format("%016x%08x", (long) i * 0x9E3779B97F4A7C15L, i);
            String rcpt = "warm-up-" + i + "@example.invalid";
            TrackingLink link = switch (i % 8) {
                case 0, 1, 2 -> TrackingLink.open(messageId, rcpt);
                case 3 -> TrackingLink.initialOpen(messageId, rcpt);
                default -> TrackingLink.click("https://www.example.com/offer/" + i + "?utm_source=mail&n=" + i, messageId, rcpt);
            };
            String path = "/" + codec.encodePayload(link);
            if (i % 32 == 31) {
                path = "/not-a-link-" + i;
            } else if (i % 16 == 5) {
                path += "?src=" + i;
            }
            String userAgent = USER_AGENTS.get(i % USER_AGENTS.size());
            String ip = "198.51.100." + (i % 250 + 1);
            List<String> headers = new ArrayList<>(List.of("Host", listen.toString(), "User-Agent", userAgent,
                    "Accept", "*/*", HEADER, secretText));
            if (i % 3 == 0) {
                headers.addAll(List.of("X-Forwarded-For", ip));
            }
            requests.add(WarmUpTraffic.request(i % 16 == 7 ? "HEAD" : "GET", path, headers));
        }
        return requests;
    }
}
