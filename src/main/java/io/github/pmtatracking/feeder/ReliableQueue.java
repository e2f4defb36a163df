package io.github.pmtatracking.feeder;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.github.pmtatracking.redis.RedisConnector;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

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
 */
public final class ReliableQueue {

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
    private static final String CLAIM = PUSH_ALL + OWNER_ONLY + """
            local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
            if #items > 0 then
              redis.call('LTRIM', KEYS[1], #items, -1)
              pushAll(KEYS[2], items, 1)
            end
            return items
            """;

    /**
     * Drops the first ARGV[2] in-flight entries, appending ARGV[5..] to the dead-letter list
     * KEYS[2]. ARGV[3] and ARGV[4] are the first and the last of those entries as the caller knows
     * them: if the list does not hold them there, the caller's picture of the list is wrong and
     * nothing is removed (a cheap check; the fence above is what keeps the picture right).
     */
    private static final String ACKNOWLEDGE = PUSH_ALL + OWNER_ONLY + """
            local n = tonumber(ARGV[2])
            if n > 0 and (redis.call('LINDEX', KEYS[1], 0) ~= ARGV[3] or redis.call('LINDEX', KEYS[1], n - 1) ~= ARGV[4]) then
              return redis.error_reply('OUTOFSTEP')
            end
            pushAll(KEYS[2], ARGV, 5)
            redis.call('LTRIM', KEYS[1], n, -1)
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

    /** Claims up to n queued events (oldest first) for the owner holding the token; they are now in flight. */
    public List<String> claim(String token, int n) {
        List<String> items = fenced(() -> redis().eval(CLAIM, ScriptOutputType.MULTI, new String[] {queue, inflight, lock},
                token, Integer.toString(n)));
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
        List<String> args = new ArrayList<>(deadLetterEntries.size() + 4);
        args.add(token);
        args.add(Integer.toString(n));
        args.add(n > 0 ? first : "");
        args.add(n > 0 ? last : "");
        args.addAll(deadLetterEntries);
        fenced(() -> redis().eval(ACKNOWLEDGE, ScriptOutputType.INTEGER, new String[] {inflight, deadLetters, lock},
                args.toArray(new String[0])));
    }

    /** Runs a fenced script, turning its refusals into exceptions of their own. */
    private static <T> T fenced(Supplier<T> script) {
        try {
            return script.get();
        } catch (RedisCommandExecutionException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith("NOTOWNER")) {
                throw new NotOwner();
            }
            if (m.startsWith("OUTOFSTEP")) {
                throw new OutOfStep();
            }
            throw e;
        }
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

    /** Takes the owner lock of this feeder id with a new token; false while another live process holds it. */
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
