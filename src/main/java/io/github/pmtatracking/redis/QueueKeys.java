package io.github.pmtatracking.redis;

import io.github.pmtatracking.config.Settings;

/**
 * The names of the event queue ({@code redis.queue_key}) and the dead-letter list
 * ({@code redis.dead_letter_key}). With one server or Sentinel they are the original's, exactly.
 * In a Redis Cluster they carry the queue's name as a hash tag, {@code {trk_queue}} and
 * {@code {trk_queue}trk_deadletter}, so the queue, every feeder's in-flight list and lock (named
 * after the queue) and the dead-letter list are in one slot, on one node: the feeder's scripts,
 * which move events between them, stay atomic there.
 */
public record QueueKeys(String queue, String deadLetters) {

    public static QueueKeys of(Settings s) {
        String queue = s.text("redis.queue_key");
        String dead = s.text("redis.dead_letter_key");
        if (!s.flag("redis.cluster")) {
            return new QueueKeys(queue, dead);
        }
        String tag = "{" + queue + "}";
        return new QueueKeys(tag, tag + dead);
    }
}
