package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.IngestStandIn;
import io.github.pmtatracking.testing.TestRedis;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feeder as a process, a real Redis, and a local HTTPS stand-in for the Ingest API. */
class FeederTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FeederRig rig;
    private TestRedis redis;

    @BeforeEach
    void start() throws Exception {
        rig = FeederRig.start();
        redis = rig.redis;
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private IngestStandIn api() {
        return rig.api;
    }

    private AppProcess feeder(String host, Map<String, String> extraEnv, String... flags) throws Exception {
        return rig.feeder(host, extraEnv, flags);
    }

    private AppProcess feeder(String... flags) throws Exception {
        return rig.feeder(flags);
    }

    static String event(String act, String msgId, String url, String eventId, long ts) {
        return FeederRig.event(act, msgId, url, eventId, ts);
    }

    private void queue(int n, String prefix) {
        rig.queue(n, prefix);
    }

    private static Set<String> ids(List<JsonNode> events) {
        return FeederRig.ids(events);
    }

    @Test
    void everyFieldIsSentWithEnrichmentPresentAndAbsent() throws Exception {
        redis.commands().set("msgID_0000aaaa", "{\"dlvSourceIp\":\"10.0.0.1\",\"header_x-sp-subaccount-id\":\"7\",\"jobId\":\"spring\","
                + "\"orig\":\"news@example.com\",\"rcpt\":\"bob@example.com\",\"vmtaPool\":\"pool-a\"}");
        long ts = System.currentTimeMillis() / 1000 - 5;
        redis.commands().rpush("trk_queue",
                "{\"WD\":{\"act\":\"c\",\"t_url\":\"https://example.com/sale\",\"msg_id\":\"0000aaaa\",\"rcpt\":\"link@example.com\","
                        + "\"t_name\":\"Buy now\"},\"ts\":\"" + ts + "\",\"ua\":\"Mozilla/5.0\",\"ip\":\"198.51.100.7\",\"event_id\":\"123\"}",
                event("o", "0000bbbb", "", null, ts));
        feeder();
        api().awaitAccepted(2, 30);
        IngestStandIn.Request r = api().requests().get(0);
        assertEquals("POST", r.method());
        assertEquals("/api/v1/ingest/events", r.path());
        assertEquals("test-key", r.header("Authorization"));
        assertEquals("application/x-ndjson", r.header("Content-Type"));
        assertEquals("gzip", r.header("Content-Encoding"));

        JsonNode click = r.events().get(0).at("/msys/track_event");
        assertEquals(Set.of("type", "delv_method", "event_id", "ip_address", "message_id", "rcpt_to", "timestamp",
                "target_link_url", "target_link_name", "user_agent", "subaccount_id", "campaign_id", "msg_from",
                "friendly_from", "sending_ip", "ip_pool", "user_agent_parsed"), fieldNames(click),
                "the original's fields, and user_agent_parsed (no geo_ip without a database, no mailbox_provider for example.com)");
        assertEquals("click", click.get("type").asText());
        assertEquals("esmtp", click.get("delv_method").asText());
        assertEquals("123", click.get("event_id").asText());
        assertEquals("198.51.100.7", click.get("ip_address").asText());
        assertEquals("0000aaaa", click.get("message_id").asText());
        assertEquals("bob@example.com", click.get("rcpt_to").asText(), "the accounting rcpt wins");
        assertEquals(Long.toString(ts), click.get("timestamp").asText());
        assertEquals("https://example.com/sale", click.get("target_link_url").asText());
        assertEquals("Buy now", click.get("target_link_name").asText());
        assertEquals("Mozilla/5.0", click.get("user_agent").asText());
        assertEquals(7, click.get("subaccount_id").asInt());
        assertTrue(click.get("subaccount_id").isInt());
        assertEquals("spring", click.get("campaign_id").asText());
        assertEquals("news@example.com", click.get("msg_from").asText());
        assertEquals("news@example.com", click.get("friendly_from").asText());
        assertEquals("10.0.0.1", click.get("sending_ip").asText());
        assertEquals("pool-a", click.get("ip_pool").asText());

        JsonNode open = r.events().get(1).at("/msys/track_event");
        assertEquals(Set.of("type", "delv_method", "event_id", "ip_address", "message_id", "rcpt_to", "timestamp", "user_agent",
                "user_agent_parsed"), fieldNames(open));
        assertEquals("open", open.get("type").asText());
        assertEquals("link@example.com", open.get("rcpt_to").asText(), "without accounting, the link's rcpt");
        assertTrue(open.get("event_id").asText().matches("\\d{1,19}"), "an id in the original's form");
        assertTrue(Long.parseLong(open.get("event_id").asText()) >= 0);
        awaitEmpty();
    }

    @Test
    void batchesStayUnderTheSizeLimit() throws Exception {
        queue(60, "size-");
        feeder("-batch_max_bytes", "3000");
        api().awaitAccepted(60, 30);
        assertTrue(api().requests().size() > 1, "requests: " + api().requests().size());
        int largest = 0;
        for (IngestStandIn.Request r : api().requests()) {
            assertTrue(r.rawBytes() <= 3000, "batch of " + r.rawBytes() + " bytes");
            largest = Math.max(largest, r.rawBytes());
        }
        assertTrue(largest > 2000, "batches are filled up to the limit, largest " + largest);
        assertEquals(60, ids(api().acceptedEvents()).size());
    }

    @Test
    void aBatchWaitsUntilItsOldestEventIsOldEnough() throws Exception {
        feeder("-batch_max_age", "4");
        long queued = System.currentTimeMillis();
        queue(3, "young-");
        api().awaitAccepted(3, 15);
        // the events' timestamps are whole seconds: 4 s of age is at least 3 s after queueing
        long waited = api().requests().get(0).receivedMillis() - queued;
        assertTrue(waited >= 3000, "sent " + waited + " ms after queueing, before its age");
        redis.commands().rpush("trk_queue", event("o", "old", "", "old-1", System.currentTimeMillis() / 1000 - 60));
        api().awaitAccepted(4, 3); // already old: goes at the next tick
    }

    @Test
    void a503IsRetriedAndNothingIsLostOrSentTwice() throws Exception {
        api().answer(503, 503);
        queue(100, "retry-");
        AppProcess f = feeder();
        api().awaitAccepted(100, 60);
        assertEquals(100, api().acceptedEvents().size());
        assertEquals(100, ids(api().acceptedEvents()).size());
        assertEquals(3, api().requests().size());
        assertEquals(ids(api().requests().get(0).events()), ids(api().requests().get(2).events()), "the same batch again");
        assertTrue(f.output().contains("not delivered (503"), f.output());
        awaitEmpty();
    }

    @Test
    void whenTheApiIsUnreachableEventsWaitInFlightUntilItIsBack() throws Exception {
        int port = TestRedis.freePort();
        queue(20, "refused-");
        AppProcess f = feeder("https://127.0.0.1:" + port, Map.of());
        f.awaitOutput("not delivered", 30);
        assertEquals(0, redis.commands().llen("trk_queue"));
        assertEquals(20, redis.commands().llen("trk_queue:inflight:test-a"));
        api().close();
        rig.api = IngestStandIn.start(port);
        // the feeder trusts the first stand-in's certificate only: restart it with the new one
        f.stop();
        feeder("https://127.0.0.1:" + port, Map.of());
        api().awaitAccepted(20, 30);
        assertEquals(20, ids(api().acceptedEvents()).size());
        awaitEmpty();
    }

    @Test
    void a400MovesTheBatchToTheDeadLetterListAndFeedingGoesOn() throws Exception {
        api().answer(400);
        queue(10, "refused-");
        feeder();
        api().awaitRequests(1, 30);
        for (int i = 0; i < 100 && redis.commands().llen("trk_deadletter") < 10; i++) {
            Thread.sleep(50);
        }
        List<String> dead = redis.commands().lrange("trk_deadletter", 0, -1);
        assertEquals(10, dead.size());
        JsonNode d = JSON.readTree(dead.get(0));
        assertEquals(400, d.get("status").asInt());
        assertTrue(d.get("reason").asText().contains("400"), d.toString());
        assertEquals("refused-0", JSON.readTree(d.get("entry").asText()).at("/WD/msg_id").asText());
        queue(5, "after-");
        api().awaitAccepted(5, 30);
        awaitEmpty();
    }

    @Test
    void aFeederKilledBetweenPostAndAcknowledgementSendsTheSameBatchAgain() throws Exception {
        api().holdAnswers();
        queue(30, "crash-");
        AppProcess first = feeder();
        api().awaitRequests(1, 30);
        first.kill(); // kill -9 while the POST waits for its answer
        api().release();
        assertEquals(30, redis.commands().llen("trk_queue:inflight:test-a"), "still in flight after the crash");
        AppProcess second = feeder();
        api().awaitAccepted(60, 30); // the first answer went to a dead process and counts as accepted here
        List<IngestStandIn.Request> reqs = api().requests();
        assertEquals(ids(reqs.get(0).events()), ids(reqs.get(reqs.size() - 1).events()), "same event ids");
        assertEquals(30, ids(reqs.get(reqs.size() - 1).events()).size());
        assertTrue(second.output().contains("Sending again 30 events left in flight"), second.output());
        awaitEmpty();
    }

    @Test
    void twoFeedersOnOneQueueNeverSendTheSameEventTwice() throws Exception {
        feeder("-id", "one");
        feeder("-id", "two");
        for (int round = 0; round < 10; round++) {
            queue(300, "pair-" + round + "-");
            Thread.sleep(100);
        }
        api().awaitAccepted(3000, 60);
        Thread.sleep(500);
        assertEquals(3000, api().acceptedEvents().size());
        assertEquals(3000, ids(api().acceptedEvents()).size());
    }

    @Test
    void brokenEntriesAreDeadLetteredAloneAndGoodOnesGoThrough() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        redis.commands().set("msgID_broken", "{not json");
        redis.commands().rpush("trk_queue",
                event("o", "good-1", "", "g1", now),
                "not json at all",
                event("o", "good-2", "", "g2", now),
                "{\"WD\":\"x\"}",
                event("o", "broken", "", "b1", now),
                event("c", "good-3", "https://example.com/", "g3", now));
        feeder();
        api().awaitAccepted(3, 30);
        assertEquals(Set.of("g1", "g2", "g3"), ids(api().acceptedEvents()));
        for (int i = 0; i < 100 && redis.commands().llen("trk_deadletter") < 3; i++) {
            Thread.sleep(50);
        }
        List<String> reasons = new ArrayList<>();
        for (String d : redis.commands().lrange("trk_deadletter", 0, -1)) {
            reasons.add(JSON.readTree(d).get("reason").asText());
        }
        assertEquals(List.of("queue entry is not JSON", "queue entry has no WD object",
                "accounting record is not JSON (msgID_broken)"), reasons);
        awaitEmpty();
    }

    @Test
    void withoutAnApiKeyBatchesBecomeGzippedFiles(@TempDir Path outbox) throws Exception {
        queue(5, "file-");
        feeder(api().url(), Map.of("SPARKPOST_API_KEY_INGEST", "", "FEEDER_OUTBOX_DIR", outbox.toString()));
        List<Path> files = List.of();
        for (int i = 0; i < 200 && files.isEmpty(); i++) {
            Thread.sleep(50);
            try (Stream<Path> s = Files.list(outbox)) {
                // not the ".writing-" file a batch is written to before its rename
                files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ndjson.gz") && !n.startsWith("."))
                        .map(outbox::resolve).toList();
            }
        }
        assertEquals(1, files.size());
        String ndjson = new String(new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(files.get(0)))).readAllBytes(),
                StandardCharsets.UTF_8);
        assertEquals(5, ndjson.lines().count());
        assertEquals("open", JSON.readTree(ndjson.lines().findFirst().orElseThrow()).at("/msys/track_event/type").asText());
        assertEquals(0, api().requests().size());
        awaitEmpty();
    }

    private void awaitEmpty() throws InterruptedException {
        rig.awaitEmpty();
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new HashSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
