package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.KafkaBroker;
import io.github.pmtatracking.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's one-line edit "copy every tracker event to Kafka": a wireTap added to
 * routes/tracker.yaml's tracker-events route, against a real KRaft broker in this JVM. Every event
 * is then a record of the topic and, as before, an entry of trk_queue; with the broker stopped,
 * recipients are still answered and every event still reaches trk_queue, and once it is back the
 * copies that waited reach the topic.
 */
class TrackerEventsToKafkaTest extends TrackerRoutesTestSupport {

    /** The edit, as the README shows it: the step goes first in tracker-events' steps. */
    static final String EDIT = """
                    # a copy of every event to the Kafka topic trk_events_copy, in order, never holding the route up
                    - wireTap: {uri: "kafka:trk_events_copy?brokers={{feeder.kafka_brokers}}", executorService: trackerCopyThread}
            """;

    static Path home;
    static KafkaBroker broker;

    @BeforeAll
    static void editedRoutes() throws Exception {
        useRedis(TestRedis.start());
        broker = new KafkaBroker(1);
        home = Files.createTempDirectory("tracker-kafka-edit");
        String routes = Files.readString(Path.of("routes/tracker.yaml"));
        String anchor = "        - aggregate:\n";
        assertEquals(1, routes.split(anchor, -1).length - 1, "one aggregate step in tracker.yaml");
        Files.writeString(home.resolve("tracker.yaml"), routes.replace(anchor, EDIT + anchor));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Override
    protected String routeFiles() {
        return "file:" + home.resolve("tracker.yaml");
    }

    @Override
    protected Properties settings() {
        Properties p = super.settings();
        p.setProperty("feeder.kafka_brokers", broker.bootstrap());
        return p;
    }

    @Test
    void everyEventIsARecordAndStillAnEntryOfTrkQueueAndABrokerAwayStopsNeither() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(200, get(TrackerTest.path(TrackingLink.open("m-" + i, "bob@example.com"))).statusCode());
        }
        List<String> queued = awaitRaw(20);
        List<String> copied = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : broker.read("trk_events_copy", 20, Duration.ofSeconds(30))) {
            copied.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        assertEquals(queued, copied, "the same events, byte for byte, in the same order");

        broker.stop();
        long started = System.nanoTime();
        for (int i = 20; i < 220; i++) {
            assertEquals(200, get(TrackerTest.path(TrackingLink.open("m-" + i, "bob@example.com"))).statusCode());
        }
        assertEquals(220, awaitRaw(220).size(), "with the broker away, every event still reaches trk_queue");
        System.out.printf("200 opens with the broker away: answered and queued in %d ms%n", (System.nanoTime() - started) / 1_000_000);

        // the broker back: the copies that waited for it go on, in order (and the context's stop
        // then has none in flight to wait for: with them, the stop took two minutes)
        broker.start();
        List<String> all = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : broker.read("trk_events_copy", 220, Duration.ofSeconds(60))) {
            all.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        assertEquals(awaitRaw(220), all, "every event copied once the broker is back, in trk_queue's order");
    }

    private static List<String> awaitRaw(int n) throws Exception {
        List<String> raw = List.of();
        for (int i = 0; i < 600 && raw.size() < n; i++) {
            raw = redis.commands().lrange("trk_queue", 0, -1);
            Thread.sleep(50);
        }
        return raw;
    }
}
