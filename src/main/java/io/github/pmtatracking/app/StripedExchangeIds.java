package io.github.pmtatracking.app;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.camel.spi.UuidGenerator;

/**
 * Exchange ids without a counter shared by every thread: a thread takes the next id from the
 * counter of its stripe (its thread id modulo 64), after a prefix of the stripe's
 * ({@code <process seed>-<stripe>-<count>}, seed and stripe base 36), unique in the process as
 * Camel's are. Camel's generators (default, simple, short) all take the next id from one
 * AtomicLong, which the tracker's I/O threads and its events thread then fight over: with three
 * exchanges per request (the request, the event handed to tracker-events and the aggregate's copy),
 * that counter was 6.6% of the tracker's CPU under load (JFR of bench/tracker.sh, 125 of 1,888
 * samples), the most of any single Camel step. A count per thread in a ThreadLocal came next: its
 * lookup missed in the I/O threads' ThreadLocal maps, crowded by the libraries' own, for 4.2% of the
 * samples (ThreadLocalMap.getEntryAfterMiss, 27 of 637, 2026-12-07). The stripes' counters sit 128
 * bytes apart, so threads on two cores never share a cache line; two threads of one stripe share
 * its counter, atomically.
 */
final class StripedExchangeIds implements UuidGenerator {

    private static final int STRIPES = 64;
    /** Longs between two stripes' counters: 128 bytes. */
    private static final int SPACING = 16;

    private final String[] prefixes = new String[STRIPES];
    private final AtomicLongArray counts = new AtomicLongArray(STRIPES * SPACING);

    StripedExchangeIds() {
        String seed = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";
        for (int i = 0; i < STRIPES; i++) {
            prefixes[i] = seed + Long.toString(i, 36) + "-";
        }
    }

    @Override
    public String generateUuid() {
        int stripe = (int) Thread.currentThread().getId() & (STRIPES - 1);
        return prefixes[stripe] + counts.getAndIncrement(stripe * SPACING);
    }
}
