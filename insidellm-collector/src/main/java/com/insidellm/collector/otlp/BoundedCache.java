package com.insidellm.collector.otlp;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * A map bounded both in entries and in the estimated bytes of its values, forgetting the oldest entries first (in
 * insertion order, or access order when asked). A value larger than the whole byte bound is not kept. Not thread-safe:
 * the caller holds its lock.
 */
final class BoundedCache<V> {

    private final int maxEntries;
    private final long maxBytes;
    private final ToLongFunction<V> weigher;
    private final LinkedHashMap<String, Weighed<V>> map;
    private long bytes;

    /** A value with its weight, estimated once. */
    private record Weighed<V>(V value, long bytes) {}

    BoundedCache(int maxEntries, long maxBytes, boolean accessOrder, ToLongFunction<V> weigher) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive, but were " + maxEntries + " entries and "
                    + maxBytes + " bytes");
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.weigher = weigher;
        this.map = new LinkedHashMap<>(1024, 0.75f, accessOrder);
    }

    /** Keeps {@code value} under {@code key} (replacing what was there), then forgets the oldest beyond the bounds. */
    void put(String key, V value) {
        remove(key);
        long weight = weigher.applyAsLong(value);
        if (weight > maxBytes) {
            return;
        }
        map.put(key, new Weighed<>(value, weight));
        bytes += weight;
        Iterator<Weighed<V>> eldest = map.values().iterator();
        while ((map.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
            bytes -= eldest.next().bytes();
            eldest.remove();
        }
    }

    @Nullable V get(String key) {
        Weighed<V> w = map.get(key);
        return w == null ? null : w.value();
    }

    @Nullable V remove(String key) {
        Weighed<V> w = map.remove(key);
        if (w == null) {
            return null;
        }
        bytes -= w.bytes();
        return w.value();
    }

    int size() {
        return map.size();
    }

    /** The estimated bytes of the values kept. */
    long bytes() {
        return bytes;
    }
}
