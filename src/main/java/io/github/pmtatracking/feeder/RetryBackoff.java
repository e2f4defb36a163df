package io.github.pmtatracking.feeder;

/**
 * When a batch the destination did not take may go again: 1 s after the first miss, twice as
 * long after each further one, never longer than {@code feeder.retry_max_seconds}; a Retry-After
 * may make a wait longer, up to the same cap. Until then the feeder route's claim step sends
 * nothing (the ticks go on, so the lease stays renewed and new events wait in Redis).
 *
 * <p>Not Camel redelivery: that re-runs the step that failed, while the answer is read by the
 * steps after the destination (a redelivered step would not send the batch again), and it would
 * hold the timer's thread for the whole wait, up to the cap, during which the feeder gives no
 * sign of life to its lease. Redis being away, where nothing can go on anyway, is Camel
 * redelivery ({@code retry-while-away}).
 */
final class RetryBackoff {

    private final long maxMillis;
    private long backoffMillis;
    private long notBefore;

    RetryBackoff(long maxMillis) {
        this.maxMillis = maxMillis;
    }

    /** Whether a retry is waiting out its backoff now. */
    boolean waiting() {
        return System.currentTimeMillis() < notBefore;
    }

    /** Arms the next wait, at least the one requested (capped); returns it in ms. */
    long retryLater(long requestedMillis) {
        backoffMillis = backoffMillis == 0 ? Math.min(1000, maxMillis) : Math.min(maxMillis, backoffMillis * 2);
        long wait = Math.max(backoffMillis, Math.min(requestedMillis, maxMillis));
        notBefore = System.currentTimeMillis() + wait;
        return wait;
    }

    long maxMillis() {
        return maxMillis;
    }

    /** A batch was delivered: the next miss waits 1 s again. */
    void reset() {
        backoffMillis = 0;
    }
}
