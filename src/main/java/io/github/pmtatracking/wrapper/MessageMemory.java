package io.github.pmtatracking.wrapper;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of messages the proxy holds at once, across its sessions, against a budget: a message
 * is in memory from its DATA to its final reply, and in about five copies at its peak (the data as
 * read, as the route's body, as rewritten, dot-stuffed, in the socket's buffer). Three 48 MB
 * messages at once, or one under the launcher's 256 MB heap, ended in OutOfMemoryError with every
 * session on those threads cut; past the budget a message is read to its end and refused with 452
 * 4.3.1 (the client keeps it and tries again), as Postfix answers when its queue is short of room.
 */
final class MessageMemory {

    /** Reservations grow in steps, so a message costs a handful of atomic updates, not one per line. */
    static final long STEP = 256 * 1024;
    static final long MIN_STEP = 4 * 1024;

    private final long budget;
    private final AtomicLong held = new AtomicLong();

    MessageMemory(long budget) {
        this.budget = budget;
    }

    /** The configured budget, or with 0 an eighth of the heap the JVM may grow to. */
    static MessageMemory of(long configured) {
        return new MessageMemory(configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 8);
    }

    long budget() {
        return budget;
    }

    /** Takes {@code n} bytes of the budget, or nothing when they do not fit. */
    boolean reserve(long n) {
        while (true) {
            long now = held.get();
            if (now + n > budget) {
                return false;
            }
            if (held.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    void release(long n) {
        held.addAndGet(-n);
    }

    /**
     * A message's bytes, handed from the decoder to the message in flight: released once, when its
     * final reply is given (also for a client gone meanwhile: its route and relay still end).
     */
    Runnable holding(long n) {
        AtomicLong left = new AtomicLong(n);
        return () -> release(left.getAndSet(0));
    }

    long held() {
        return held.get();
    }
}
