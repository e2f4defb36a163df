package io.github.pmtatracking.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;

/**
 * routes/tracker.yaml (or a user's edited copy) in a Camel Main context as the application builds
 * it: {@link TrackerConfiguration}'s beans, the shared retry policy, the settings file's defaults,
 * the process's Redis connection factory, and a real redis-server. A subclass starts its Redis in a
 * {@code @BeforeAll} with {@link #useRedis}; the listener is on a free port ({@link #httpPort}).
 */
abstract class TrackerRoutesTestSupport extends CamelMainTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

    static TestRedis redis;
    static RedisConnections connections;
    static int httpPort;

    /** The Redis the routes use; started or not, as the test needs. */
    static void useRedis(TestRedis r) {
        redis = r;
        connections = new RedisConnections(RedisAddress.parse(r.url()), Duration.ofSeconds(2));
        httpPort = TestRedis.freePort();
    }

    @AfterAll
    static void closeRedis() {
        connections.close();
        redis.close();
    }

    /** The route files to load (the settings name them as the application does: file:routes/...). */
    protected String routeFiles() {
        return "file:routes/tracker.yaml";
    }

    /** Settings of this test, over the settings file's defaults. */
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("tracker.in_hostport", "127.0.0.1:" + httpPort);
        p.setProperty("redis.url", redis.url());
        p.setProperty("tracker.log_events", "false");
        p.setProperty("tracker.warmup_seconds", "0"); // TrackerWarmUpTest has it
        p.setProperty("camel.management.enabled", "false"); // no management server of its own in a test
        // a Redis back from an outage is seen within half a second
        p.setProperty("retry.first_delay_ms", "50");
        p.setProperty("retry.max_delay_ms", "500");
        return p;
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(new TrackerConfiguration());
        configuration.withRoutesIncludePattern(routeFiles() + ",file:routes/retry-policy.yaml");
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:config/application.properties";
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        return settings();
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind(RedisConnections.BEAN, connections.factory());
    }

    /**
     * A request to the route's listener. A generous timeout: these tests check answers, not speed,
     * and the first request to a context just started can take seconds on a busy machine.
     */
    static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        return send("GET", path, headers);
    }

    TrackerStats stats() {
        return context.getRegistry().lookupByNameAndType("trackerStats", TrackerStats.class);
    }

    /** Waits up to 30 s for n entries in trk_queue and returns them, as JSON. */
    static List<JsonNode> awaitQueue(int n) throws Exception {
        List<String> raw = List.of();
        for (int i = 0; i < 600; i++) {
            try {
                raw = redis.commands().lrange("trk_queue", 0, -1);
                if (raw.size() >= n) {
                    break;
                }
            } catch (RuntimeException notYetUp) {
                // a server that is still starting
            }
            Thread.sleep(50);
        }
        List<JsonNode> nodes = new ArrayList<>();
        for (String s : raw) {
            nodes.add(JSON.readTree(s));
        }
        return nodes;
    }
}
