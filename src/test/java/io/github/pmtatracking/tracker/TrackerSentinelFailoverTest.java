package io.github.pmtatracking.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.TrackingLink;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.Http;
import io.github.pmtatracking.testing.SentinelRedis;
import io.github.pmtatracking.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * bin/tracker on a master with two replicas under three Sentinels (real redis-server processes):
 * opens keep coming while the master is killed with -9 and a replica promoted. Every open is
 * answered, and every answered open's event is on trk_queue at the new master afterwards: the
 * tracker held each batch until a replica had it (WAIT, redis.wait_replicas auto = 1), and wrote it
 * to the new master when the old one did not answer.
 */
class TrackerSentinelFailoverTest {

    private static final Pattern MSG_ID = Pattern.compile("\"msg_id\":\"([^\"]+)\"");
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\":\"([^\"]+)\"");

    @Test
    void opensAnsweredAcrossAFailoverAreAllOnTheNewMastersQueue() throws Exception {
        int port = TestRedis.freePort();
        try (SentinelRedis redis = new SentinelRedis();
             AppProcess tracker = AppProcess.start(Map.of("REDIS_URL", redis.url(), "REDIS_EMBEDDED", "false"),
                     "tracker", "-in_hostport", "127.0.0.1:" + port)) {
            tracker.awaitOutput("Started tracker", 60);
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
            Thread.sleep(1500);
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

            Set<String> queued = new HashSet<>();
            Set<String> eventIds = new HashSet<>();
            int entries = 0;
            RedisClient client = redis.masterClient();
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                for (int i = 0; i < 300 && !queued.containsAll(answered); i++) {
                    Thread.sleep(100);
                    queued.clear();
                    eventIds.clear();
                    List<String> all = c.sync().lrange("trk_queue", 0, -1);
                    entries = all.size();
                    for (String e : all) {
                        Matcher m = MSG_ID.matcher(e);
                        Matcher ev = EVENT_ID.matcher(e);
                        if (m.find() && ev.find()) {
                            queued.add(m.group(1));
                            eventIds.add(ev.group(1));
                        }
                    }
                }
            } finally {
                client.shutdown();
            }
            Set<String> missing = new HashSet<>(answered);
            missing.removeAll(queued);
            assertEquals(Set.of(), missing, "answered opens missing from the new master's queue (" + answered.size()
                    + " answered, " + entries + " entries); tracker output: " + tail(tracker.output()));
            // a batch written again after a failed WAIT is there twice, with the same event ids: the receiver drops repeats
            assertEquals(queued.size(), eventIds.size(), "one event id per open");
            System.out.printf("failover: %d opens answered, %d of them before the kill; %d queue entries for them%n",
                    answered.size(), before, entries);
        }
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : s.substring(s.length() - 4000);
    }
}
