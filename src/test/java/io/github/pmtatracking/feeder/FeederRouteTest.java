package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.testing.IngestStandIn;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/feeder.yaml in Camel Main as the application runs it (FeederConfiguration, the shared
 * retry policy), against a real redis-server and the HTTPS Ingest stand-in.
 */
class FeederRouteTest extends CamelMainTestSupport {

    private static FeederRouteRig rig;

    @BeforeAll
    static void startRig() throws Exception {
        rig = FeederRouteRig.start();
    }

    @AfterAll
    static void stopRig() {
        rig.close();
    }

    /** The stand-in serves the whole class: each test reads the requests made since it began. */
    private int before;

    @BeforeEach
    void mark() {
        before = rig.api.requests().size();
    }

    private List<IngestStandIn.Request> requests() {
        List<IngestStandIn.Request> all = rig.api.requests();
        return all.subList(before, all.size());
    }

    private void awaitAccepted(Set<String> ids) throws InterruptedException {
        rig.api.awaitAcceptedIds(ids, 30);
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return FeederRouteRig.SETTINGS;
    }

    @Override
    public void configureContext(CamelContextConfiguration camel) {
        super.configureContext(camel);
        rig.override(camel, Map.of());
    }

    @Override
    protected void configure(MainConfigurationProperties main) {
        rig.configure(main, "file:routes/feeder.yaml,file:routes/retry-policy.yaml");
    }

    @Test
    void eventsLeaveRedisOnlyOnceTheApiAnsweredWithAResultsId() throws Exception {
        rig.redis.commands().set("msgID_route-0", "{\"rcpt\":\"bob@example.com\",\"jobId\":\"spring\",\"vmtaPool\":\"pool-a\"}");
        IngestStandIn.Hold answer = rig.api.holdAnswers();
        NotifyBuilder acknowledged = new NotifyBuilder(context).wereSentTo("direct:ingest-api").whenDone(1).create();
        Set<String> ids = rig.queue(20, "route-");

        rig.api.awaitRequests(before + 1, 30);
        assertEquals(0, rig.redis.commands().llen("trk_queue"), "claimed");
        assertEquals(20, rig.inflight(), "in flight while the API has not answered");
        rig.api.stopHolding();
        answer.release();
        assertTrue(acknowledged.matches(30, TimeUnit.SECONDS), "the tick that sent the batch ended");
        FeederRig.await("acknowledged", 10, () -> rig.inflight() == 0);

        IngestStandIn.Request r = requests().get(0);
        assertEquals("/api/v1/ingest/events", r.path());
        assertEquals("test-key", r.header("Authorization"));
        assertEquals("gzip", r.header("Content-Encoding"));
        assertNotNull(r.header("Content-Length"), "sent with its length, not chunked: " + r.headers());
        assertEquals(ids, FeederRig.ids(r.events()));
        JsonNode first = r.events().get(0).at("/msys/track_event");
        assertEquals("bob@example.com", first.get("rcpt_to").asText(), "enriched from msgID_route-0");
        assertEquals("spring", first.get("campaign_id").asText());
        assertEquals("pool-a", first.get("ip_pool").asText());
    }

    @Test
    void a503KeepsTheBatchInFlightAndTheSameBatchGoesAgainAfterTheBackoff() throws Exception {
        rig.api.answer(503);
        NotifyBuilder twice = new NotifyBuilder(context).wereSentTo("direct:ingest-api").whenDone(2).create();
        Set<String> ids = rig.queue(10, "again-");
        assertTrue(twice.matches(30, TimeUnit.SECONDS));
        awaitAccepted(ids);
        FeederRig.await("acknowledged", 10, () -> rig.inflight() == 0);
        List<IngestStandIn.Request> requests = requests();
        assertEquals(503, requests.get(0).status());
        assertEquals(ids, FeederRig.ids(requests.get(0).events()));
        assertEquals(ids, FeederRig.ids(requests.get(1).events()), "the same event ids");
        long waited = requests.get(1).receivedMillis() - requests.get(0).receivedMillis();
        assertTrue(waited >= 900, "sent again after the 1 s backoff, not at the next tick: " + waited + " ms");
    }

    @Test
    void aBatchTheApiRefusesAsInvalidGoesToTheDeadLetterListAndFeedingGoesOn() throws Exception {
        rig.api.answer(422);
        rig.queue(3, "invalid-");
        FeederRig.await("dead-lettered", 30, () -> rig.redis.commands().llen("trk_deadletter") == 3);
        awaitAccepted(rig.queue(2, "next-"));
        FeederRig.await("nothing left", 10, () -> rig.inflight() == 0 && rig.redis.commands().llen("trk_queue") == 0);
        assertTrue(rig.redis.commands().lindex("trk_deadletter", 0).contains("\"status\":422"));
    }
}
