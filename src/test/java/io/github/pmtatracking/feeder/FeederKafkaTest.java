package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pmtatracking.testing.KafkaBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code feeder.destination=kafka} with the shipped routes, a real Redis and a real KRaft broker
 * in this JVM: every event becomes one record, its NDJSON line keyed by its message id, and its
 * entry leaves Redis only once Kafka acknowledged it. A broker stopped mid-run loses nothing: the
 * batch stays in flight and goes once the broker is back.
 */
class FeederKafkaTest extends CamelMainTestSupport {

    private static final String TOPIC = "engagement";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FeederRouteRig rig;
    private static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        rig = FeederRouteRig.start();
        broker = new KafkaBroker(3);
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
        rig.close();
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return FeederRouteRig.SETTINGS;
    }

    @Override
    public void configureContext(CamelContextConfiguration camel) {
        super.configureContext(camel);
        rig.override(camel, Map.of("feeder.destination", "kafka", "feeder.api_key", "", "feeder.kafka_brokers", broker.bootstrap(),
                "feeder.kafka_topic", TOPIC, "feeder.kafka_timeout_ms", "3000"));
    }

    @Override
    protected void configure(MainConfigurationProperties main) {
        rig.configure(main, "file:routes/feeder.yaml,file:routes/retry-policy.yaml");
    }

    @Test
    void everyEventIsOneRecordKeyedByItsMessageIdAndLeavesRedisOnceKafkaHasIt() throws Exception {
        rig.redis.commands().rpush("trk_queue", "not an event");
        Set<String> ids = rig.queue(500, "kafka-");
        FeederRig.await("the events left Redis", 60, () -> rig.inflight() == 0 && rig.redis.commands().llen("trk_queue") == 0);

        Map<String, JsonNode> received = events(broker.read(TOPIC, 500, Duration.ofSeconds(30)), "kafka-");
        assertEquals(ids, received.keySet(), "every event acknowledged is in the topic, once");
        for (JsonNode e : received.values()) {
            assertTrue(e.at("/msys/track_event/type").asText().matches("open|click"), e.toString());
            assertEquals("link@example.com", e.at("/msys/track_event/rcpt_to").asText());
        }
        assertEquals(1, rig.redis.commands().llen("trk_deadletter"), "what is not an event is dead-lettered, not a record");
    }

    @Test
    void aBrokerStoppedMidRunLosesNothing() throws Exception {
        FeederStats stats = context.getRegistry().lookupByNameAndType("feederStats", FeederStats.class);
        long delivered = stats.getEventsDelivered();
        Set<String> before = rig.queue(200, "before-stop-");
        // acknowledged, not only out of the two lists: read one after the other, both can be empty
        // while the feeder moves a batch from the queue to its in-flight list
        FeederRig.await("the first events left Redis", 60, () -> stats.getEventsDelivered() >= delivered + 200
                && rig.inflight() == 0 && rig.redis.commands().llen("trk_queue") == 0);
        long retried = stats.batchesRetried.sum();

        broker.stop();
        Set<String> during = rig.queue(300, "during-stop-");
        FeederRig.await("the feeder tried and failed", 60, () -> stats.batchesRetried.sum() > retried);
        assertEquals(300, rig.inflight() + rig.redis.commands().llen("trk_queue"),
                "not acknowledged: every event stays in Redis while the broker is away");

        broker.start();
        FeederRig.await("the events left Redis once the broker was back", 90,
                () -> rig.inflight() == 0 && rig.redis.commands().llen("trk_queue") == 0);

        List<ConsumerRecord<String, byte[]>> records = broker.read(TOPIC, 500, Duration.ofSeconds(30));
        Set<String> all = new HashSet<>(before);
        all.addAll(during);
        Map<String, JsonNode> received = events(records, "before-stop-");
        received.putAll(events(records, "during-stop-"));
        assertEquals(all, received.keySet(), "every event, before the stop and during it, is in the topic");
    }

    /** The records whose message id starts with {@code prefix}, by event id; each key checked against its line. */
    private static Map<String, JsonNode> events(List<ConsumerRecord<String, byte[]>> records, String prefix) throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode e = JSON.readTree(r.value());
            String messageId = e.at("/msys/track_event/message_id").asText();
            if (!messageId.startsWith(prefix)) {
                continue;
            }
            assertEquals(messageId, r.key(), "a record's key is its message id");
            byId.put(e.at("/msys/track_event/event_id").asText(), e);
        }
        return byId;
    }
}
