package io.github.pmtatracking.feeder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.pmtatracking.testing.AppProcess;
import io.github.pmtatracking.testing.IngestStandIn;
import io.github.pmtatracking.testing.TestRedis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the feeder tests run against: a real redis-server, the HTTPS Ingest stand-in, and feeder
 * processes started as the launchers start them, with short timers (100 ms ticks, a 3 s lease,
 * retries capped at 2 s) so that a test takes seconds.
 */
final class FeederRig implements AutoCloseable {

    static final String ID = "test-a";

    final TestRedis redis;
    IngestStandIn api;
    private final List<AppProcess> feeders = new ArrayList<>();

    private FeederRig(TestRedis redis, IngestStandIn api) {
        this.redis = redis;
        this.api = api;
    }

    /** Queueing and awaiting over a Redis and a stand-in of the caller's (the route tests). */
    static FeederRig over(TestRedis redis, IngestStandIn api) {
        return new FeederRig(redis, api);
    }

    static FeederRig start() throws Exception {
        return new FeederRig(TestRedis.start(), IngestStandIn.start(0));
    }

    /** A feeder process with id test-a (flags may name another) against the stand-in, once it has started. */
    AppProcess feeder(String host, Map<String, String> extraEnv, String... flags) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.url());
        env.put("REDIS_EMBEDDED", "false");
        env.put("SPARKPOST_HOST_INGEST", host);
        env.put("SPARKPOST_API_KEY_INGEST", "test-key");
        env.put("FEEDER_POLL_MS", "100");
        env.put("FEEDER_OWNER_TTL_SECONDS", "3");
        env.put("FEEDER_RETRY_MAX_SECONDS", "2");
        env.putAll(extraEnv);
        List<String> args = new ArrayList<>(List.of("feeder", "-id", ID, "-batch_max_age", "0"));
        args.addAll(List.of(flags));
        AppProcess p = AppProcess.start(env, api.trustStoreOptions(), args.toArray(new String[0]));
        feeders.add(p);
        p.awaitOutput("Started feeder", 60);
        return p;
    }

    AppProcess feeder(Map<String, String> extraEnv, String... flags) throws Exception {
        return feeder(api.url(), extraEnv, flags);
    }

    AppProcess feeder(String... flags) throws Exception {
        return feeder(api.url(), Map.of(), flags);
    }

    /** An event as the tracker queues it. */
    static String event(String act, String msgId, String url, String eventId, long ts) {
        return "{\"WD\":{\"act\":\"" + act + "\",\"t_url\":\"" + url + "\",\"msg_id\":\"" + msgId + "\",\"rcpt\":\"link@example.com\"},"
                + "\"ts\":\"" + ts + "\",\"ua\":\"Mozilla/5.0\",\"ip\":\"198.51.100.7\""
                + (eventId == null ? "" : ",\"event_id\":\"" + eventId + "\"") + "}";
    }

    /** Queues n events, opens and clicks in turn; returns their event ids. */
    Set<String> queue(int n, String prefix) {
        long now = System.currentTimeMillis() / 1000;
        String[] events = new String[n];
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            String id = prefix.hashCode() + "" + i;
            events[i] = event(i % 2 == 0 ? "o" : "c", prefix + i, i % 2 == 0 ? "" : "https://example.com/" + i, id, now);
            ids.add(id);
        }
        redis.commands().rpush("trk_queue", events);
        return ids;
    }

    static Set<String> ids(List<JsonNode> events) {
        Set<String> ids = new HashSet<>();
        events.forEach(e -> ids.add(e.at("/msys/track_event/event_id").asText()));
        return ids;
    }

    long inflight() {
        return redis.commands().llen("trk_queue:inflight:" + ID);
    }

    /** The owner lock of feeder id test-a: the holder's token, or null. */
    String ownerToken() {
        return redis.commands().get("trk_queue:feeder:" + ID);
    }

    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Nothing left in trk_queue or in test-a's in-flight list. */
    void awaitEmpty() throws InterruptedException {
        String inflight = "trk_queue:inflight:" + ID;
        for (int i = 0; i < 100 && redis.commands().exists("trk_queue", inflight) > 0; i++) {
            Thread.sleep(50);
        }
        assertEquals(0, redis.commands().exists("trk_queue", inflight), "nothing left queued or in flight");
    }

    @Override
    public void close() {
        feeders.forEach(AppProcess::close);
        api.close();
        redis.close();
    }
}
