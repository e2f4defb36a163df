package io.github.pmtatracking.feeder;

import io.github.pmtatracking.redis.ReplicaAcks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The reliable-queue pattern on Redis: events move atomically from {@code trk_queue} to this
 * feeder's own in-flight list ({@code trk_queue:inflight:<feeder id>}), and leave that list only
 * when acknowledged (delivered, or moved to the dead-letter list). A feeder that dies finds its
 * in-flight events where it left them; two feeders never hold the same event.
 *
 * <p>The owner lock of the feeder id ({@code trk_queue:feeder:<feeder id>}, see {@link FeederLease})
 * is a fence, not only an agreement: every step that changes the in-flight list is a script that
 * first checks, in the same atomic step, that the caller's token is still the lock's value, and
 * refuses with {@link NotOwner} otherwise. So a process that lost its lease (stalled, or its id
 * taken over by another process) can never touch the list, whatever it still holds in memory.
 *
 * <p>Through Spring Data Redis (the process's one {@code redisConnectionFactory}): every command
 * here is one per batch or per claimed chunk, never one per event, so blocking calls on the
 * feeder's own thread cost nothing worth pipelining, and the scripts run as EVALSHA through
 * {@link RedisScript}. A Redis that is away comes out as Spring's
 * {@code DataAccessResourceFailureException} or {@code QueryTimeoutException}, which the shared
 * policy {@code retry-while-away} retries.
 */
public final class ReliableQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ReliableQueue.class);

    /** The caller's token is not the owner lock's value any more: nothing was changed. */
    public static final class NotOwner extends RuntimeException {
        NotOwner() {
            super("this process no longer owns the feeder id", null, false, false);
        }
    }

    /** The in-flight list does not start with the batch being acknowledged: nothing was changed. */
    public static final class OutOfStep extends RuntimeException {
        OutOfStep() {
            super("the in-flight list does not start with this batch", null, false, false);
        }
    }

    /**
     * RPUSHes values[from..#values] to a key in slices: Lua's unpack() takes about 8,000 values at
     * most, and a batch or a run of dead letters can be larger.
     */
    private static final String PUSH_ALL = """
            local function pushAll(key, values, from)
              for i = from, #values, 4000 do
                redis.call('RPUSH', key, unpack(values, i, math.min(i + 3999, #values)))
              end
            end
            """;

    /** Refuses the whole script unless the owner lock KEYS[3] holds the token ARGV[1]. */
    private static final String OWNER_ONLY = """
            if redis.call('GET', KEYS[3]) ~= ARGV[1] then
              return redis.error_reply('NOTOWNER')
            end
            """;

    /** Moves up to ARGV[2] entries from the head of KEYS[1] to the tail of KEYS[2], atomically. */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM = RedisScript.of(PUSH_ALL + OWNER_ONLY + """
            local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
            if #items > 0 then
              redis.call('LTRIM', KEYS[1], #items, -1)
              pushAll(KEYS[2], items, 1)
            end
            return items
            """, List.class);

    /**
     * Drops the first ARGV[2] in-flight entries, appending ARGV[5..] to the dead-letter list
     * KEYS[2]. ARGV[3] and ARGV[4] are the first and the last of those entries as the caller knows
     * them: if the list does not hold them there, the caller's picture of the list is wrong and
     * nothing is removed (a cheap check; the fence above is what keeps the picture right).
     */
    private static final RedisScript<Long> ACKNOWLEDGE = RedisScript.of(PUSH_ALL + OWNER_ONLY + """
            local n = tonumber(ARGV[2])
            if n > 0 and (redis.call('LINDEX', KEYS[1], 0) ~= ARGV[3] or redis.call('LINDEX', KEYS[1], n - 1) ~= ARGV[4]) then
              return redis.error_reply('OUTOFSTEP')
            end
            pushAll(KEYS[2], ARGV, 5)
            redis.call('LTRIM', KEYS[1], n, -1)
            return 1
            """, Long.class);

    /** Releases the owner lock if this process holds it. */
    private static final RedisScript<Long> UNLOCK = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """, Long.class);

    /** Renews the owner lock if this process holds it. */
    private static final RedisScript<Long> RENEW = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
            end
            return 0
            """, Long.class);

    private final Supplier<RedisConnectionFactory> connections;
    private volatile StringRedisTemplate redis;
    private final String queue;
    private final String inflight;
    private final String deadLetters;
    private final String lock;
    private final AtomicBoolean away = new AtomicBoolean();
    private final ReplicaAcks replicas;

    public ReliableQueue(RedisConnectionFactory connections, String queue, String feederId, String deadLetters) {
        this(() -> connections, queue, feederId, deadLetters, ReplicaAcks.NONE);
    }

    /**
     * Over the process's connection factory, looked up at the first command (it is built on first
     * use); with redis.wait_replicas, {@link #replicated()} waits for that many replicas.
     */
    public ReliableQueue(Supplier<RedisConnectionFactory> connections, String queue, String feederId, String deadLetters,
                         ReplicaAcks replicas) {
        this.replicas = replicas;
        this.connections = connections;
        this.queue = queue;
        this.inflight = queue + ":inflight:" + feederId;
        this.deadLetters = deadLetters;
        this.lock = queue + ":feeder:" + feederId;
    }

    private StringRedisTemplate redis() {
        StringRedisTemplate t = redis;
        if (t == null) {
            synchronized (this) {
                if (redis == null) {
                    redis = new StringRedisTemplate(connections.get());
                }
                t = redis;
            }
        }
        return t;
    }

    public String inflightKey() {
        return inflight;
    }

    /** What a previous run of this feeder left in flight. */
    public List<String> inflight() {
        return watched(() -> redis().opsForList().range(inflight, 0, -1));
    }

    /** Claims up to n queued events (oldest first) for the owner holding the token; they are now in flight. */
    @SuppressWarnings("unchecked")
    public List<String> claim(String token, int n) {
        List<String> items = watched(() -> redis().execute(CLAIM, List.of(queue, inflight, lock), token, Integer.toString(n)));
        return items == null ? List.of() : items;
    }

    /**
     * Acknowledges the first n in-flight events, whose first and last entries are given;
     * deadLetterEntries go to the dead-letter list in the same step.
     *
     * @throws NotOwner  the token does not hold the feeder id any more
     * @throws OutOfStep the list does not start with these entries
     */
    public void acknowledge(String token, int n, String first, String last, List<String> deadLetterEntries) {
        Object[] args = new Object[deadLetterEntries.size() + 4];
        args[0] = token;
        args[1] = Integer.toString(n);
        args[2] = n > 0 ? first : "";
        args[3] = n > 0 ? last : "";
        for (int i = 0; i < deadLetterEntries.size(); i++) {
            args[i + 4] = deadLetterEntries.get(i);
        }
        watched(() -> redis().execute(ACKNOWLEDGE, List.of(inflight, deadLetters, lock), args));
    }

    /**
     * Returns once redis.wait_replicas replicas have every write made so far (WAIT on the shared
     * connection the scripts ran on); at once when none is asked for.
     *
     * @throws org.springframework.dao.QueryTimeoutException fewer replicas had them in time
     */
    public void replicated() {
        if (replicas.replicas() > 0) {
            redis().execute((RedisCallback<Void>) c -> {
                replicas.await(c);
                return null;
            });
        }
    }

    /** Accounting records for the message ids (null where absent). */
    public List<String> accounting(String prefix, List<String> messageIds) {
        List<String> keys = new ArrayList<>(messageIds.size());
        for (String id : messageIds) {
            keys.add(prefix + id);
        }
        return watched(() -> redis().opsForValue().multiGet(keys));
    }

    /** LLEN of the queue, at scrape time (throws while Redis is away). */
    public long queued() {
        Long n = redis().opsForList().size(queue);
        return n == null ? 0 : n;
    }

    /** Takes the owner lock of this feeder id with a new token; false while another live process holds it. */
    public boolean lock(String token, long ttlSeconds) {
        return Boolean.TRUE.equals(watched(() -> redis().opsForValue().setIfAbsent(lock, token, Duration.ofSeconds(ttlSeconds))));
    }

    public boolean renew(String token, long ttlSeconds) {
        Long r = redis().execute(RENEW, List.of(lock), token, Long.toString(ttlSeconds));
        return r != null && r == 1;
    }

    public long lockTtl() {
        Long ttl = redis().getExpire(lock);
        return ttl == null ? -1 : ttl;
    }

    public void unlock(String token) {
        redis().execute(UNLOCK, List.of(lock), token);
    }

    /**
     * Runs a command of the feeder route: the fenced scripts' refusals become exceptions of their
     * own, and a Redis that stops answering is logged once (the route's error policy retries),
     * and once more when it answers again.
     */
    private <T> T watched(Supplier<T> command) {
        T result;
        try {
            result = command.get();
        } catch (DataAccessException e) {
            String m = refusal(e);
            if (m.startsWith("NOTOWNER")) {
                throw new NotOwner();
            }
            if (m.startsWith("OUTOFSTEP")) {
                throw new OutOfStep();
            }
            if (away.compareAndSet(false, true)) {
                LOG.warn("Redis is unreachable ({}); events stay in Redis and the feeder retries", e.getMessage());
            }
            throw e;
        }
        if (away.compareAndSet(true, false)) {
            LOG.info("Redis answers again");
        }
        return result;
    }

    /** The error reply a script returned (the innermost message), or "". */
    private static String refusal(Throwable e) {
        String m = "";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                m = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return m;
    }
}
