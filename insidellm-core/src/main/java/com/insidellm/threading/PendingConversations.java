package com.insidellm.threading;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conversations {@link ConversationThreads#rememberLater} queued and nobody fingerprinted yet: kept apart from the
 * fingerprint index because they follow their own rule (one drainer at a time, a look-up drains only what could
 * precede it). Thread-safe.
 */
final class PendingConversations {

    private static final Logger log = LoggerFactory.getLogger(PendingConversations.class);
    private static final int NONE = Integer.MAX_VALUE - 2;

    private final Object drainLock = new Object();
    private final Queue<Runnable> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    /** The fewest request messages among queued conversations ({@link #NONE} when none). */
    private final AtomicInteger shortest = new AtomicInteger(NONE);
    /**
     * The fewest request messages among the conversations a drain has taken and not remembered yet ({@link #NONE}
     * when no drain runs): while a drain fingerprints them (describing a lazily recorded answer can take a while),
     * they are neither queued nor findable, and a look-up that could need them must wait for that drain.
     */
    private volatile int draining = NONE;

    /** Queues the work that remembers one conversation of {@code requestLength} messages; returns how many wait. */
    int add(Runnable remember, int requestLength) {
        queued.add(remember);
        shortest.accumulateAndGet(requestLength, Math::min);
        return count.incrementAndGet();
    }

    /** Whether a queued conversation (n messages plus its answer) can be a prefix of a request of this many. */
    boolean mayPrecede(int requestLength) {
        // shortest first: the drainer publishes draining before it resets shortest, so a look-up that reads the
        // reset also sees what the drain has in hand.
        int queuedShortest = shortest.get();
        return requestLength >= Math.min(queuedShortest, draining) + 2;
    }

    boolean hasAny() {
        return count.get() > 0;
    }

    /** Remembers everything queued; a look-up waiting on this sees every conversation queued before it. */
    void drain() {
        if (count.get() == 0 && draining == NONE) {
            return;
        }
        // Also when nothing is queued but a drain is under way: returning then would let a look-up miss what that
        // drain has taken and not remembered yet.
        synchronized (drainLock) {
            // Reset before polling: an entry queued meanwhile lowers it again after it is in the queue. What the
            // reset hides stays visible in draining until every entry taken is remembered.
            draining = shortest.get();
            draining = Math.min(draining, shortest.getAndSet(NONE));
            try {
                Runnable next;
                while ((next = queued.poll()) != null) {
                    count.decrementAndGet();
                    try {
                        next.run();
                    } catch (RuntimeException e) {
                        log.debug("Could not fingerprint a conversation for threading", e);
                    }
                }
            } finally {
                draining = NONE;
            }
        }
    }
}
