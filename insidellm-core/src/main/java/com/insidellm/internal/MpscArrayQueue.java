package com.insidellm.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, lock-free queue for many producers and one consumer. Internal: not part of the public API.
 *
 * <p>{@link #offer} claims a slot with one CAS and never allocates, so producers neither block nor contend on a
 * lock; {@link #poll} must only ever be called from a single consumer thread. Capacity is exact.
 */
public final class MpscArrayQueue<E> {

    private final AtomicReferenceArray<@Nullable E> buffer;
    private final int mask;
    private final long capacity;
    private final AtomicLong producerIndex = new AtomicLong();
    private final AtomicLong consumerIndex = new AtomicLong();

    /** Creates a queue holding at most {@code capacity} elements. */
    public MpscArrayQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
        }
        int size = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        this.buffer = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.capacity = capacity;
    }

    /**
     * Adds {@code e} unless the queue is full.
     *
     * @return the element's sequence number (0, 1, 2, ... in FIFO order), or -1 when the queue was full
     */
    public long offer(E e) {
        long p;
        do {
            p = producerIndex.get();
            if (p - consumerIndex.get() >= capacity) {
                return -1;
            }
        } while (!producerIndex.compareAndSet(p, p + 1));
        buffer.lazySet((int) p & mask, e);
        return p;
    }

    /** Removes and returns the oldest element, or {@code null} when empty. Single consumer only. */
    public @Nullable E poll() {
        long c = consumerIndex.get();
        int index = (int) c & mask;
        E e = buffer.get(index);
        if (e == null) {
            if (c == producerIndex.get()) {
                return null;
            }
            // A producer has claimed the slot but not yet published the element: it is a few instructions away.
            do {
                Thread.onSpinWait();
                e = buffer.get(index);
            } while (e == null);
        }
        buffer.lazySet(index, null);
        consumerIndex.lazySet(c + 1);
        return e;
    }

    /** The number of elements in the queue (a snapshot). */
    public int size() {
        long c = consumerIndex.get();
        long p = producerIndex.get();
        return (int) Math.max(0, Math.min(capacity, p - c));
    }

    /** The sequence number the next offered element will get; everything below it was offered before. */
    public long producedCount() {
        return producerIndex.get();
    }

    /** The number of elements polled so far. */
    public long consumedCount() {
        return consumerIndex.get();
    }

    /** The maximum number of elements. */
    public long capacity() {
        return capacity;
    }
}
