package com.insidellm.internal;

import com.insidellm.DropPolicy;
import com.insidellm.DropReason;
import com.insidellm.Event;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The bounded queue between the callers and the flusher: bounded in events and in (estimated) bytes, with the
 * configured {@link DropPolicy}. Offering is lock-free; with {@link DropPolicy#DROP_OLDEST} a caller evicting the
 * oldest event and the flusher polling take turns on one lock, as the underlying queue has a single consumer.
 * Internal; thread-safe for many producers and one consumer (the flusher).
 */
final class EventQueue {

    /** {@link #offer} could not take the event: the byte bound is reached. */
    static final long OVER_BYTES = -2;
    /** {@link #offer} could not take the event: the queue is full. */
    static final long FULL = -1;

    private final MpscArrayQueue<Event> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Object consumerLock = new Object();
    private final long maxBytes;
    private final DropPolicy dropPolicy;
    private final Accounting accounting;
    private final Progress progress;

    EventQueue(int capacity, long maxBytes, DropPolicy dropPolicy, Accounting accounting, Progress progress) {
        this.queue = new MpscArrayQueue<>(capacity);
        this.maxBytes = maxBytes;
        this.dropPolicy = dropPolicy;
        this.accounting = accounting;
        this.progress = progress;
    }

    /** Queues {@code event}; returns its sequence number, or {@link #OVER_BYTES} or {@link #FULL}. */
    long offer(Event event) {
        int bytes = event.estimatedBytes();
        if (queuedBytes.addAndGet(bytes) > maxBytes) {
            queuedBytes.addAndGet(-bytes);
            return OVER_BYTES;
        }
        long seq = queue.offer(event);
        if (seq < 0 && dropPolicy == DropPolicy.DROP_OLDEST) {
            seq = evictOldestAndOffer(event);
        }
        if (seq < 0) {
            queuedBytes.addAndGet(-bytes);
            return FULL;
        }
        return seq;
    }

    private long evictOldestAndOffer(Event event) {
        synchronized (consumerLock) {
            long victimSeq = queue.consumedCount();
            Event victim = queue.poll();
            if (victim != null) {
                queuedBytes.addAndGet(-victim.estimatedBytes());
                accounting.drop(DropReason.QUEUE_FULL);
                progress.noteUndelivered(victimSeq);
            }
        }
        return queue.offer(event);
    }

    /** Takes the oldest event, or {@code null}. Called by the flusher only. */
    @Nullable Event poll() {
        Event event;
        if (dropPolicy == DropPolicy.DROP_OLDEST) {
            synchronized (consumerLock) {
                event = queue.poll();
            }
        } else {
            event = queue.poll();
        }
        if (event != null) {
            queuedBytes.addAndGet(-event.estimatedBytes());
        }
        return event;
    }

    /** Empties the queue (close() ran out of time) and returns how many events were in it. */
    long clear() {
        long leftover = 0;
        synchronized (consumerLock) {
            Event e;
            while ((e = queue.poll()) != null) {
                queuedBytes.addAndGet(-e.estimatedBytes());
                leftover++;
            }
        }
        return leftover;
    }

    int size() {
        return queue.size();
    }

    /** The sequence number the next event will get; every event below it was offered before. */
    long producedCount() {
        return queue.producedCount();
    }

    /** How many events were taken off the queue; the next one taken has this sequence number. */
    long consumedCount() {
        return queue.consumedCount();
    }
}
