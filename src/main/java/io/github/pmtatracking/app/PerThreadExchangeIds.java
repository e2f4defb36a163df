package io.github.pmtatracking.app;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.spi.UuidGenerator;

/**
 * Exchange ids without a counter shared by every thread: each thread numbers its own exchanges
 * after a prefix of its own ({@code <process seed>-<thread number>-<count>}, the prefix base 36,
 * the count decimal), unique in the process as Camel's are. Camel's generators (default, simple,
 * short) all take the next id from one AtomicLong, which the tracker's I/O threads and its events
 * thread then fight over: with three exchanges per request (the request, the event handed to
 * tracker-events and the aggregate's copy), that counter was 6.6% of the tracker's CPU under load
 * (JFR of bench/tracker.sh, 125 of 1,888 samples), the most of any single Camel step. The count
 * was base 36 at first, and {@code Long.toString(n, 36)} (a long division per digit, where decimal
 * has the JDK's fast path) was then 5.2% (164 of 3,158 samples, 2026-12-07).
 */
final class PerThreadExchangeIds implements UuidGenerator {

    private final String seed = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";
    private final AtomicLong threads = new AtomicLong();
    private final ThreadLocal<Counter> counters = ThreadLocal.withInitial(
            () -> new Counter(seed + Long.toString(threads.incrementAndGet(), 36) + "-"));

    @Override
    public String generateUuid() {
        Counter c = counters.get();
        return c.prefix + c.next++;
    }

    private static final class Counter {
        final String prefix;
        long next;

        Counter(String prefix) {
            this.prefix = prefix;
        }
    }
}
