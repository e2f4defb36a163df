package io.github.pmtatracking.feeder;

import io.github.pmtatracking.config.Settings;
import io.github.pmtatracking.engagement.EngagementSteps;
import io.github.pmtatracking.engagement.GeoIpLocations;
import io.github.pmtatracking.engagement.MachineEngagement;
import io.github.pmtatracking.engagement.MailboxProviders;
import io.github.pmtatracking.engagement.UserAgents;
import io.github.pmtatracking.redis.QueueKeys;
import io.github.pmtatracking.redis.RedisConnections;
import io.github.pmtatracking.redis.ReplicaAcks;
import java.net.InetAddress;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The feeder's beans, as routes/feeder.yaml names them, built once from the settings
 * ({@code feeder.*}, {@code redis.*}) over the process's Redis connection factory.
 */
public final class FeederConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(FeederConfiguration.class);

    /** Everything, built together on the first lookup (Camel may call the methods more than once). */
    private record Beans(FeederStats stats, FeederLease lease, InFlight inFlight, AccountingRecords accounting,
                         IngestBatches batches, IngestAnswers answers, IngestApi api, GzipDataFormat gzip,
                         EngagementSteps engagement, NdjsonDataFormat ndjson, KafkaRecords kafka) {
    }

    private Beans beans;
    private HttpComponent http;
    private HttpComponent https;

    private synchronized Beans beans(CamelContext camel) {
        if (beans != null) {
            return beans;
        }
        Settings s = Settings.of(camel);
        String id = s.text("feeder.id");
        if (id.isEmpty()) {
            id = hostname();
        }
        // the process's one factory, bound by the application and built when first looked up
        QueueKeys keys = QueueKeys.of(s); // hash-tagged in a Cluster
        ReliableQueue queue = new ReliableQueue(
                () -> camel.getRegistry().lookupByNameAndType(RedisConnections.BEAN, RedisConnectionFactory.class),
                keys.queue(), id, keys.deadLetters(), ReplicaAcks.of(s));
        long connectSeconds = s.positive("feeder.http_connect_timeout_seconds");
        long responseSeconds = s.positive("feeder.http_response_timeout_seconds");
        long leaseSeconds = s.positive("feeder.owner_ttl_seconds");
        // renewed while the feeder moves; a send can take a connect, a TLS handshake and an answer
        // (each handshake and answer up to the response timeout), so a feeder quiet for longer is stuck
        long stallSeconds = connectSeconds + 2 * responseSeconds + leaseSeconds;
        FeederStats stats = new FeederStats();
        FeederLease lease = new FeederLease(queue, id, leaseSeconds, stallSeconds * 1000);
        RetryBackoff backoff = new RetryBackoff(s.positive("feeder.retry_max_seconds") * 1000);
        long maxBytes = s.positive("feeder.batch_max_bytes");
        InFlight inFlight = new InFlight(queue, lease, backoff, new DeadLetters(id), stats, id, maxBytes);
        GzipDataFormat gzip = new GzipDataFormat();
        gzip.setCompressionLevel(s.wholeNumber("feeder.gzip_level"));
        IngestApi api = new IngestApi(s.text("feeder.sparkpost_host"), s.text("feeder.api_key"));
        String destination = s.text("feeder.destination");
        NdjsonDataFormat ndjson = new NdjsonDataFormat();
        // machine_reason is ours: not for the Ingest API, whose schema is SparkPost's
        ndjson.setMachineReasons(!(destination.equals("ingest-api") || destination.equals("ingest") && api.hasKey()));
        beans = new Beans(stats, lease, inFlight, new AccountingRecords(queue, s.text("redis.msgid_prefix")),
                new IngestBatches(inFlight, maxBytes, s.number("feeder.batch_max_age")), new IngestAnswers(backoff, stats), api, gzip,
                EngagementSteps.of(s), ndjson, new KafkaRecords(inFlight));
        if (destination.equals("ingest") && !api.hasKey()) {
            LOG.info("feeder '{}': no SPARKPOST_API_KEY_INGEST, so each batch is written as a gzipped NDJSON file under {}",
                    id, s.path("feeder.outbox_dir"));
        } else if (destination.equals("kafka")) {
            LOG.info("feeder '{}': events from Redis to the Kafka topic {} at {}", id, s.text("feeder.kafka_topic"),
                    s.text("feeder.kafka_brokers"));
        } else {
            LOG.info("feeder '{}': events from Redis to {}", id,
                    destination.equals("ingest") || destination.equals("ingest-api") ? api.url() : "the route direct:" + destination);
        }
        return beans;
    }

    @BindToRegistry("feederStats")
    public FeederStats feederStats(CamelContext camel) {
        return beans(camel).stats();
    }

    @BindToRegistry("feederMetrics")
    public FeederMetrics feederMetrics(CamelContext camel) {
        return new FeederMetrics(beans(camel).stats(), beans(camel).engagement().counts());
    }

    /** Gives the feeder id up at a normal stop, so that a restart need not wait for its lease to run out. */
    @BindToRegistry(value = "feederLease", destroyMethod = "close")
    public FeederLease feederLease(CamelContext camel) {
        return beans(camel).lease();
    }

    @BindToRegistry("inFlight")
    public InFlight inFlight(CamelContext camel) {
        return beans(camel).inFlight();
    }

    @BindToRegistry("accountingRecords")
    public AccountingRecords accountingRecords(CamelContext camel) {
        return beans(camel).accounting();
    }

    @BindToRegistry("ndjson")
    public NdjsonDataFormat ndjson(CamelContext camel) {
        return beans(camel).ndjson();
    }

    @BindToRegistry("userAgents")
    public UserAgents userAgents(CamelContext camel) {
        return beans(camel).engagement().userAgents();
    }

    @BindToRegistry("machineEngagement")
    public MachineEngagement machineEngagement(CamelContext camel) {
        return beans(camel).engagement().machine();
    }

    @BindToRegistry(value = "geoIp", destroyMethod = "close")
    public GeoIpLocations geoIp(CamelContext camel) {
        return beans(camel).engagement().geoIp();
    }

    @BindToRegistry("mailboxProviders")
    public MailboxProviders mailboxProviders(CamelContext camel) {
        return beans(camel).engagement().mailboxProviders();
    }

    @BindToRegistry("kafkaRecords")
    public KafkaRecords kafkaRecords(CamelContext camel) {
        return beans(camel).kafka();
    }

    @BindToRegistry("gzip")
    public GzipDataFormat gzip(CamelContext camel) {
        return beans(camel).gzip();
    }

    @BindToRegistry("ingestBatches")
    public IngestBatches ingestBatches(CamelContext camel) {
        return beans(camel).batches();
    }

    @BindToRegistry("ingestAnswers")
    public IngestAnswers ingestAnswers(CamelContext camel) {
        return beans(camel).answers();
    }

    @BindToRegistry("ingestApi")
    public IngestApi ingestApi(CamelContext camel) {
        return beans(camel).api();
    }

    /** The Ingest API's endpoint, and any http(s) destination route someone adds, use these. */
    @BindToRegistry("http")
    public synchronized HttpComponent http(CamelContext camel) {
        if (http == null) {
            http = httpComponent(camel);
        }
        return http;
    }

    @BindToRegistry("https")
    public synchronized HttpComponent https(CamelContext camel) {
        if (https == null) {
            https = httpComponent(camel);
        }
        return https;
    }

    /**
     * The feeder's HTTP client policy. HttpClient 5 would retry a 429 or 503 by itself, sleeping
     * whatever Retry-After the API sent (99999999999 s included) inside the POST: the feeder's own
     * policy (IngestAnswer, feeder.retry_max_seconds) must see every answer. A POST is never
     * re-sent to a redirect's Location: a 3xx is reported. Every wait on the network is bounded:
     * the connect, the wait for a pooled connection, and each read (the TLS handshake's, through
     * the socket timeout, and the answer's).
     */
    private static HttpComponent httpComponent(CamelContext camel) {
        Settings s = Settings.of(camel);
        long connectMillis = s.positive("feeder.http_connect_timeout_seconds") * 1000;
        long responseMillis = s.positive("feeder.http_response_timeout_seconds") * 1000;
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

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "feeder";
        }
    }
}
