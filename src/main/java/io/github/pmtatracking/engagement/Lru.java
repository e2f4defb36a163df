package io.github.pmtatracking.engagement;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that drops its least recently used entry past a size. Not thread-safe: the feeder thread's only. */
final class Lru<K, V> extends LinkedHashMap<K, V> {

    private final int size;

    Lru(int size) {
        super(Math.min(size, 1 << 16), 0.75f, true);
        this.size = size;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > size;
    }
}
