package io.github.pmtatracking.app;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.spi.UuidGenerator;

/**
 * Exchange ids without a counter shared by every thread: each thread numbers its own exchanges
 * after a prefix of its own ({@code <process seed>-<thread number>-<count>}, all base 36), unique
 * in the process as Camel's are. Camel's generators (default, simple, short) all take the next id
 * from one AtomicLong, which the tracker's I/O threads and its events thread then fight over:
 * with three exchanges per request (the request, the event handed to tracker-events and the
 * aggregate's copy), that counter was 6.6% of the tracker's CPU under load (JFR of
 * bench/tracker.sh, 125 of 1,888 samples), the most of any single Camel step.
 */
final class PerThreadExchangeIds implements UuidGenerator {

    private final String seed = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";
    private final AtomicLong threads = new AtomicLong();
    private final ThreadLocal<Counter> counters = ThreadLocal.withInitial(
            () -> new Counter(seed + Long.toString(threads.incrementAndGet(), 36) + "-"));

    @Override
    public String generateUuid() {
        Counter c = counters.get();
        return c.prefix + Long.toString(c.next++, 36);
    }

    private static final class Counter {
        final String prefix;
        long next;

        Counter(String prefix) {
            this.prefix = prefix;
        }
    }
}
