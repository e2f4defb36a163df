package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.testing.IngestStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's worked edit "send feeder batches to a webhook": a route of the user's own,
 * {@code from: direct:webhook}, that POSTs the batch to their URL, and
 * {@code feeder.destination=webhook}. The webhook (the stand-in, at /engagement) must get the
 * gzipped NDJSON, and the events leave Redis only once it answered 2xx.
 */
class FeederWebhookTest extends CamelMainTestSupport {

    /** The route as the README shows it, but for the URL. */
    static final String WEBHOOK_ROUTE = """
            - route:
                id: webhook
                # a failure is the feeder route's to handle: the batch stays in Redis and goes again
                routeConfigurationId: feeder-destination
                from:
                  uri: direct:webhook
                  steps:
                    - setHeader:
                        name: Content-Type
                        constant: application/x-ndjson
                    - setHeader:
                        name: Content-Encoding
                        constant: gzip
                    - setHeader:
                        name: CamelHttpMethod
                        constant: POST
                    # the body is gzipped NDJSON already: camel-http must not compress it again
                    - setProperty:
                        name: CamelSkipGzipEncoding
                        constant: "true"
                    # the feeder route reads the answer: 2xx delivered, 400/422 dead-lettered,
                    # 413 split, anything else sent again after the backoff
                    - to:
                        uri: https://hooks.example.com/engagement
                        parameters:
                          throwExceptionOnFailure: false
            """;

    private static FeederRouteRig rig;
    private static Path routes;

    @BeforeAll
    static void startRig() throws Exception {
        rig = FeederRouteRig.start();
        routes = Files.createTempDirectory("webhook-routes");
        Files.writeString(routes.resolve("webhook.yaml"), WEBHOOK_ROUTE.replace("https://hooks.example.com", rig.api.url()));
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return FeederRouteRig.SETTINGS;
    }

    @Override
    public void configureContext(CamelContextConfiguration camel) {
        super.configureContext(camel);
        // feeder.destination=webhook: the edit in config/application.properties
        rig.override(camel, Map.of("feeder.destination", "webhook", "feeder.api_key", ""));
    }

    @Override
    protected void configure(MainConfigurationProperties main) {
        rig.configure(main, "file:routes/feeder.yaml,file:routes/retry-policy.yaml,file:" + routes.resolve("webhook.yaml"));
    }

    @Test
    void theWebhookGetsTheGzippedNdjsonAndTheEventsLeaveRedisOnlyOnceItAnswered2xx() throws Exception {
        IngestStandIn.Hold answer = rig.api.holdAnswers();
        NotifyBuilder delivered = new NotifyBuilder(context).wereSentTo("direct:webhook").whenDone(1).create();
        Set<String> ids = rig.queue(25, "hook-");

        rig.api.awaitRequests(1, 30);
        assertEquals(25, rig.inflight(), "the events wait in Redis while the webhook has not answered");
        rig.api.stopHolding();
        answer.release();
        assertTrue(delivered.matches(30, TimeUnit.SECONDS));
        FeederRig.await("the events left Redis", 10, () -> rig.inflight() == 0);
        assertEquals(0, rig.redis.commands().llen("trk_queue"));

        IngestStandIn.Request r = rig.api.requests().get(0);
        assertEquals("POST", r.method());
        assertEquals("/engagement", r.path());
        assertEquals("gzip", r.header("Content-Encoding"));
        assertEquals("application/x-ndjson", r.header("Content-Type"));
        assertNull(r.header("Authorization"), "no Ingest API key goes to a webhook");
        assertEquals(ids, FeederRig.ids(r.events()), "the batch's events, as NDJSON lines");
        assertEquals(0, rig.redis.commands().llen("trk_deadletter"));
    }
}
