package io.github.pmtatracking.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class StripedExchangeIdsTest {

    @Test
    void idsMadeOnManyThreadsAtOnceAreAllDistinct() throws Exception {
        StripedExchangeIds ids = new StripedExchangeIds();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        // 72 threads on 64 stripes: some share a stripe's counter
        for (int t = 0; t < 72; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    seen.add(ids.generateUuid());
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(72 * 10_000, seen.size());
    }

    @Test
    void twoGeneratorsDoNotStartFromTheSameId() {
        assertNotEquals(new StripedExchangeIds().generateUuid(), new StripedExchangeIds().generateUuid());
    }
}
