package io.github.pmtatracking.app;

import io.github.pmtatracking.feeder.FeederLease;
import io.github.pmtatracking.feeder.FeederMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.github.pmtatracking.feeder.FeederStats;
import io.github.pmtatracking.feeder.IngestApi;
import io.github.pmtatracking.feeder.IngestBatches;
import io.github.pmtatracking.feeder.ReliableQueue;
import io.github.pmtatracking.redis.RedisAddress;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.redis.RedisConnector;
import java.net.InetAddress;
import java.time.Duration;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The beans of the feeder, built from the settings. */
final class FeederWiring implements Dataflow {

    private static final Logger LOG = LoggerFactory.getLogger(FeederWiring.class);
    static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024;

    private final RedisConnector redis;
    private final FeederLease lease;
    private final IngestBatches batches;
    private final HttpComponent http;
    private final HttpComponent https;
    private final IngestApi api;
    private final FeederStats stats = new FeederStats();
    private final String destination;
    private final String outbox;
    private final String pollMillis;

    FeederWiring(Settings s, AppHome home, RedisConnections redisConnections) {
        RedisAddress address = RedisAddress.parse(s.get("redis.url", RedisAddress.DEFAULT_URL));
        this.redis = new RedisConnector(address, Duration.ofSeconds(10));
        String id = s.get("feeder.id", "");
        if (id.isEmpty()) {
            id = hostname();
        }
        ReliableQueue queue = new ReliableQueue(redis, s.get("redis.queue_key", "trk_queue"), id,
                s.get("redis.dead_letter_key", "trk_deadletter"));
        long connectSeconds = positive(s, "feeder.http_connect_timeout_seconds", 10);
        long responseSeconds = positive(s, "feeder.http_response_timeout_seconds", 120);
        long leaseSeconds = positive(s, "feeder.owner_ttl_seconds", 15);
        // renewed while the feeder moves; a send can take a connect, a TLS handshake and an answer
        // (each handshake and answer up to the response timeout), so a feeder quiet for longer is stuck
        long stallSeconds = connectSeconds + 2 * responseSeconds + leaseSeconds;
        this.lease = new FeederLease(queue, id, leaseSeconds, stallSeconds * 1000);
        this.batches = new IngestBatches(queue, lease, s.get("redis.msgid_prefix", "msgID_"),
                s.getLong("feeder.batch_max_bytes", DEFAULT_MAX_BYTES),
                s.getLong("feeder.batch_max_age", 30),
                s.getLong("feeder.retry_max_seconds", 300), id, stats);
        this.http = httpComponent(connectSeconds * 1000, responseSeconds * 1000);
        this.https = httpComponent(connectSeconds * 1000, responseSeconds * 1000);
        this.api = new IngestApi(s.get("feeder.sparkpost_host", "SPARKPOST_HOST_INGEST", "api.sparkpost.com"),
                s.get("feeder.api_key", "SPARKPOST_API_KEY_INGEST", ""));
        this.outbox = home.resolve(s.get("feeder.outbox_dir", "data/ingest")).toString();
        this.destination = s.get("feeder.destination", api.hasKey() ? "ingest-api" : "ingest-files");
        this.pollMillis = Integer.toString(s.getInt("feeder.poll_ms", 1000));
        if (destination.equals("ingest-api")) {
            LOG.info("feeder '{}': events from Redis at {} to {}", id, address.display(), api.url());
        } else if (destination.equals("ingest-files")) {
            LOG.info("feeder '{}': no SPARKPOST_API_KEY_INGEST, so each batch is written as a gzipped NDJSON file under {}",
                    id, outbox);
        } else {
            LOG.info("feeder '{}': events from Redis at {} to the route direct:{}", id, address.display(), destination);
        }
    }

    @Override
    public void bindTo(Main main) {
        main.bind("ingestBatches", batches);
        // the Ingest API's endpoint, and any http(s) destination route someone adds, use these
        main.bind("http", http);
        main.bind("https", https);
        main.bind("ingestApi", api);
        main.addOverrideProperty("feeder.destination", destination);
        main.addOverrideProperty("feeder.ingest_url", api.url());
        main.addOverrideProperty("feeder.outbox_dir", outbox);
        main.addOverrideProperty("feeder.poll_ms", pollMillis);
    }

    /**
     * The feeder's HTTP client policy. HttpClient 5 would retry a 429 or 503 by itself, sleeping
     * whatever Retry-After the API sent (99999999999 s included) inside the POST: the feeder's own
     * policy (IngestAnswer, feeder.retry_max_seconds) must see every answer. A POST is never
     * re-sent to a redirect's Location: a 3xx is reported. Every wait on the network is bounded:
     * the connect, the wait for a pooled connection, and each read (the TLS handshake's, through
     * the socket timeout, and the answer's).
     */
    private static HttpComponent httpComponent(long connectMillis, long responseMillis) {
        HttpComponent c = new HttpComponent();
        c.setAutomaticRetriesDisabled(true);
        c.setRedirectHandlingDisabled(true);
        c.setFollowRedirects(false);
        c.setConnectTimeout(connectMillis);
        c.setConnectionRequestTimeout(connectMillis);
        c.setSoTimeout(responseMillis);
        c.setResponseTimeout(responseMillis);
        return c;
    }

    private static long positive(Settings s, String key, long defaultValue) {
        long v = s.getLong(key, defaultValue);
        if (v <= 0) {
            throw new IllegalArgumentException("setting " + key + " must be at least 1, not " + v);
        }
        return v;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "feeder";
        }
    }

    @Override
    public Object stats() {
        return stats;
    }

    @Override
    public MeterBinder metrics() {
        return new FeederMetrics(stats);
    }

    @Override
    public void close() {
        lease.close();
        redis.close();
    }
}
