package io.github.pmtatracking.feeder;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.github.pmtatracking.redis.RedisConnector;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * The reliable-queue pattern on Redis: events move atomically from {@code trk_queue} to this
 * feeder's own in-flight list ({@code trk_queue:inflight:<feeder id>}), and leave that list only
 * when acknowledged (delivered, or moved to the dead-letter list). A feeder that dies finds its
 * in-flight events where it left them; two feeders never hold the same event.
 */
public final class ReliableQueue {

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

    /** Moves up to ARGV[1] entries from the head of KEYS[1] to the tail of KEYS[2], atomically. */
    private static final String CLAIM = PUSH_ALL + """
            local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
            if #items > 0 then
              redis.call('LTRIM', KEYS[1], #items, -1)
              pushAll(KEYS[2], items, 1)
            end
            return items
            """;

    /** Drops the first ARGV[1] in-flight entries, appending ARGV[2..] to the dead-letter list KEYS[2]. */
    private static final String ACKNOWLEDGE = PUSH_ALL + """
            pushAll(KEYS[2], ARGV, 2)
            redis.call('LTRIM', KEYS[1], tonumber(ARGV[1]), -1)
            return 1
            """;

    /** Releases the owner lock if this process holds it. */
    private static final String UNLOCK = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /** Renews the owner lock if this process holds it. */
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
            end
            return 0
            """;

    private final RedisConnector connector;
    private final String queue;
    private final String inflight;
    private final String deadLetters;
    private final String lock;

    public ReliableQueue(RedisConnector connector, String queue, String feederId, String deadLetters) {
        this.connector = connector;
        this.queue = queue;
        this.inflight = queue + ":inflight:" + feederId;
        this.deadLetters = deadLetters;
        this.lock = queue + ":feeder:" + feederId;
    }

    private RedisCommands<String, String> redis() {
        return connector.sync();
    }

    public String inflightKey() {
        return inflight;
    }

    /** What a previous run of this feeder left in flight. */
    public List<String> inflight() {
        return redis().lrange(inflight, 0, -1);
    }

    /** Claims up to n queued events (oldest first); they are now in flight. */
    public List<String> claim(int n) {
        List<String> items = redis().eval(CLAIM, ScriptOutputType.MULTI, new String[] {queue, inflight}, Integer.toString(n));
        return items == null ? List.of() : items;
    }

    /** Acknowledges the first n in-flight events; deadLetterEntries go to the dead-letter list in the same step. */
    public void acknowledge(int n, List<String> deadLetterEntries) {
        List<String> args = new ArrayList<>(deadLetterEntries.size() + 1);
        args.add(Integer.toString(n));
        args.addAll(deadLetterEntries);
        redis().eval(ACKNOWLEDGE, ScriptOutputType.INTEGER, new String[] {inflight, deadLetters}, args.toArray(new String[0]));
    }

    /** Accounting records for the message ids (null where absent). */
    public List<String> accounting(String prefix, List<String> messageIds) {
        String[] keys = messageIds.stream().map(id -> prefix + id).toArray(String[]::new);
        List<String> values = new ArrayList<>(keys.length);
        for (KeyValue<String, String> kv : redis().mget(keys)) {
            values.add(kv.hasValue() ? kv.getValue() : null);
        }
        return values;
    }

    public long queued() {
        return redis().llen(queue);
    }

    /** Takes the owner lock of this feeder id; false while another live process holds it. */
    public boolean lock(String token, long ttlSeconds) {
        return "OK".equals(redis().set(lock, token, SetArgs.Builder.nx().ex(ttlSeconds)));
    }

    public boolean renew(String token, long ttlSeconds) {
        Long r = redis().eval(RENEW, ScriptOutputType.INTEGER, new String[] {lock}, token, Long.toString(ttlSeconds));
        return r != null && r == 1;
    }

    public long lockTtl() {
        return redis().ttl(lock);
    }

    public void unlock(String token) {
        redis().eval(UNLOCK, ScriptOutputType.INTEGER, new String[] {lock}, token);
    }
}
