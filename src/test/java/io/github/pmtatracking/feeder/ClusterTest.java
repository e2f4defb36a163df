package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.ClusterRedis;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.IngestStandIn;
import io.github.pmtatracking.testing.TestRedis;
import io.lettuce.core.cluster.SlotHash;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The programs on a Redis Cluster of three masters (real redis-server processes in cluster mode),
 * with redis.cluster=true and the seed nodes in redis.url: acct_etl spreads the msgID_ keys over
 * every master, and the tracker and the feeder deliver every open enriched from its accounting
 * record, wherever that lives; the queue family of keys shares one slot.
 */
class ClusterTest {

    @Test
    void accountingSpreadsOverEveryMasterAndEveryOpenIsDeliveredEnriched() throws Exception {
        try (ClusterRedis cluster = new ClusterRedis(); IngestStandIn api = IngestStandIn.start(0)) {
            Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", cluster.url(), "REDIS_CLUSTER", "true",
                    "REDIS_EMBEDDED", "false"));
            StringBuilder csv = new StringBuilder("type,rcpt,dlvSourceIp,vmtaPool,header_x-sp-message-id\n");
            for (int i = 0; i < 300; i++) {
                csv.append("d,r").append(i).append("@example.com,10.0.0.").append(i % 250).append(",pool-").append(i)
                        .append(',').append(id(i)).append('\n');
            }
            try (AppProcess acct = AppProcess.start(env, "acct_etl")) {
                acct.write(csv.toString());
                acct.closeStdin();
                assertEquals(0, acct.waitFor(60), acct.output());
            }
            long total = 0;
            for (int port : cluster.ports()) {
                long keys = ClusterRedis.with(port, c -> c.dbsize());
                assertTrue(keys > 50, "keys on the master at " + port + ": " + keys);
                total += keys;
            }
            assertEquals(301, total, "every record, and the header record");

            int port = TestRedis.freePort();
            env.putAll(Map.of("SPARKPOST_HOST_INGEST", api.url(), "SPARKPOST_API_KEY_INGEST", "k", "FEEDER_POLL_MS", "200",
                    "FEEDER_BATCH_MAX_AGE", "1"));
            try (AppProcess app = AppProcess.start(env, api.trustStoreOptions(), "tracker", "-in_hostport", "127.0.0.1:" + port,
                    "feeder")) {
                app.awaitOutput("Started feeder", 60);
                assertTrue(app.output().contains("{trk_queue}"), "the queue's hash-tagged name: " + app.output());
                LinkCodec codec = LinkCodec.builder().build();
                Set<String> opened = new HashSet<>();
                for (int i = 0; i < 300; i += 10) {
                    String url = codec.encode("http://t", TrackingLink.open(id(i), "r" + i + "@example.com"));
                    assertEquals(200, Http.get(port, url.substring("http://t".length())).statusCode());
                    opened.add(id(i));
                }
                Set<String> delivered = new HashSet<>();
                for (int i = 0; i < 300 && !delivered.containsAll(opened); i++) {
                    Thread.sleep(100);
                    delivered.clear();
                    for (JsonNode e : api.acceptedEvents()) {
                        JsonNode t = e.at("/msys/track_event");
                        String id = t.get("message_id").asText();
                        int n = Integer.parseInt(id.substring(4), 16);
                        assertEquals("pool-" + n, t.path("ip_pool").asText(), "enriched from msgID_" + id + ": " + t);
                        assertEquals("10.0.0." + (n % 250), t.path("sending_ip").asText());
                        delivered.add(id);
                    }
                }
                assertEquals(opened, delivered, "every open delivered; output: " + app.output());
            }
            Set<Integer> slots = new HashSet<>();
            for (String k : new String[] {"{trk_queue}", "{trk_queue}:inflight:x", "{trk_queue}:feeder:x", "{trk_queue}trk_deadletter"}) {
                slots.add(SlotHash.getSlot(k));
            }
            assertEquals(1, slots.size(), "the queue family in one slot");
        }
    }

    private static String id(int i) {
        return String.format("0000%016x", i);
    }
}
