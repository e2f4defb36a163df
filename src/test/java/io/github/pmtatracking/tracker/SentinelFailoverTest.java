package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.IngestStandIn;
import io.github.pmtatracking.testing.SentinelRedis;
import io.github.pmtatracking.testing.TestRedis;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The tracker and the feeder (one process, as the quick start runs them) on a master with two
 * replicas under three Sentinels (real redis-server processes): opens keep coming while the master
 * is killed with -9 and a replica promoted. Every open is answered, and every answered open's event
 * reaches the Ingest stand-in: the tracker held each batch until a replica had it (WAIT,
 * redis.wait_replicas auto = 1) and wrote it to the new master when the old one did not answer, and
 * the feeder followed the failover too. A batch written or claimed again comes twice, with the same
 * event id: the receiver drops repeats.
 */
class SentinelFailoverTest {

    @Test
    void opensAnsweredAcrossAFailoverAreAllDelivered() throws Exception {
        int port = TestRedis.freePort();
        try (SentinelRedis redis = new SentinelRedis();
             IngestStandIn api = IngestStandIn.start(0);
             AppProcess tracker = AppProcess.start(Map.of("REDIS_URL", redis.url(), "REDIS_EMBEDDED", "false",
                             "SPARKPOST_HOST_INGEST", api.url(), "SPARKPOST_API_KEY_INGEST", "k", "FEEDER_POLL_MS", "200",
                             "FEEDER_BATCH_MAX_AGE", "1", "FEEDER_RETRY_MAX_SECONDS", "2"),
                     api.trustStoreOptions(), "tracker", "-in_hostport", "127.0.0.1:" + port, "feeder")) {
            tracker.awaitOutput("Started feeder", 60);
            int firstMaster = redis.masterPort();
            Set<String> answered = ConcurrentHashMap.newKeySet();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread opens = new Thread(() -> {
                LinkCodec codec = LinkCodec.builder().build();
                for (int i = 0; running.get(); i++) {
                    String id = "failover-" + i;
                    String url = codec.encode("http://t", TrackingLink.open(id, "r@example.com"));
                    try {
                        if (Http.get(port, url.substring("http://t".length())).statusCode() == 200) {
                            answered.add(id);
                        }
                        Thread.sleep(5);
                    } catch (Exception e) {
                        throw new AssertionError("an open was not answered", e);
                    }
                }
            });
            opens.start();
            for (int i = 0; i < 600 && answered.size() < 100; i++) {
                Thread.sleep(50); // a steady flow first
            }
            redis.killMaster();
            int before = answered.size();
            for (int i = 0; i < 300 && redis.masterPort() == firstMaster; i++) {
                Thread.sleep(100);
            }
            assertNotEquals(firstMaster, redis.masterPort(), "a replica was promoted; logs in " + redis.dir());
            Thread.sleep(2000); // and opens on the new master a while
            running.set(false);
            opens.join(10_000);
            assertTrue(answered.size() > before + 50, "opens answered during and after the failover: " + answered.size());

            // every answered open reached the stand-in, from whichever master held it
            Set<String> delivered = new HashSet<>();
            Map<String, String> eventIdOf = new HashMap<>();
            for (int i = 0; i < 600; i++) {
                delivered.clear();
                for (JsonNode e : api.acceptedEvents()) {
                    String msg = e.at("/msys/track_event/message_id").asText();
                    String event = e.at("/msys/track_event/event_id").asText();
                    delivered.add(msg);
                    String seen = eventIdOf.putIfAbsent(msg, event);
                    assertTrue(seen == null || seen.equals(event), "an open sent twice keeps its event id: " + msg);
                }
                if (delivered.containsAll(answered)) {
                    break;
                }
                Thread.sleep(100);
            }
            Set<String> missing = new HashSet<>(answered);
            missing.removeAll(delivered);
            assertEquals(Set.of(), missing, "answered opens never delivered (" + answered.size() + " answered, "
                    + delivered.size() + " delivered); output: " + tail(tracker.output()));
            System.out.printf("failover: %d opens answered, %d of them before the kill; %d events received for them%n",
                    answered.size(), before, api.acceptedEvents().size());
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
