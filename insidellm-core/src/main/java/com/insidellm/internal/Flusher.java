package com.insidellm.internal;

import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.EventBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flusher thread: takes events off the queue when a batch is full, the flush interval is due, a flush is asked
 * for or the client closes; runs each through the {@link EventPipeline}; cuts batches by count and bytes; and hands
 * them to the {@link Sender}. While every destination's circuit is open it leaves events in the queue. It starts
 * with the first event and, once the client is closed and the queue drained, stops the sender, closes the exporters
 * and ends. Internal; thread-safe.
 */
final class Flusher {

    private static final Logger log = LoggerFactory.getLogger(Flusher.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final long REPORT_INTERVAL_NANOS = Duration.ofSeconds(30).toNanos();

    private final int batchSize;
    private final long maxBatchBytes;
    private final long intervalNanos;
    private final EventQueue queue;
    private final EventPipeline pipeline;
    private final Destinations destinations;
    private final Sender sender;
    private final Accounting accounting;
    private final Progress progress;
    private final Lifecycle lifecycle;
    /** Guards starting the thread and terminating. */
    private final Object lock = new Object();
    private volatile @Nullable Thread thread;
    /**
     * The batch being gathered, events and their JSON; used by the flusher thread only, and emptied at each hand-off
     * ({@link EventBatch#of(List, List)} copies them). Reused: new lists per batch, then the batch's copies, were
     * twice the garbage.
     */
    private final List<Event> batchEvents;
    private final List<byte[]> batchJson;

    Flusher(Settings settings, EventQueue queue, EventPipeline pipeline, Destinations destinations,
            Accounting accounting, Progress progress, Lifecycle lifecycle) {
        this.batchSize = settings.batchSize;
        this.maxBatchBytes = settings.maxBatchBytes;
        this.intervalNanos = settings.flushInterval.toNanos();
        this.queue = queue;
        this.pipeline = pipeline;
        this.destinations = destinations;
        this.accounting = accounting;
        this.progress = progress;
        this.lifecycle = lifecycle;
        this.sender = new Sender(destinations, accounting, progress, lifecycle, this::wake);
        this.batchEvents = new ArrayList<>(batchSize);
        this.batchJson = new ArrayList<>(batchSize);
    }

    @Nullable Thread thread() {
        return thread;
    }

    /** The flusher thread as {@code close()} sees it: read under the lock that starts it. */
    @Nullable Thread threadForClose() {
        synchronized (lock) {
            return thread;
        }
    }

    @Nullable Thread senderThread() {
        return sender.thread();
    }

    /** Whether {@code current} is one of the client's own threads (which must never wait for themselves). */
    boolean isOwnThread(Thread current) {
        return current == thread || current == sender.thread();
    }

    /** The flusher thread, started if it is not yet. */
    /** Starts the client's threads for a backlog in the outbox (left by an earlier process), before any event. */
    void startForOutbox() {
        start();
        sender.startForOutbox();
    }

    Thread start() {
        synchronized (lock) {
            Thread started = thread;
            if (started == null) {
                started = Lifecycle.daemon(this::run, "insidellm-flusher-" + IDS.incrementAndGet());
                thread = started;
                started.start();
            }
            return started;
        }
    }

    void wake() {
        Thread current = thread;
        if (current != null) {
            LockSupport.unpark(current);
        }
    }

    private void run() {
        long nextDue = System.nanoTime() + intervalNanos;
        List<Event> drained = new ArrayList<>(batchSize);
        try {
            while (true) {
                if (Thread.interrupted()) {
                    lifecycle.ignoreInterrupt();
                }
                boolean closing = lifecycle.isClosed();
                long now = System.nanoTime();
                if (closing && lifecycle.pastCloseDeadline()) {
                    // close() ran out of time: what is still queued is counted as shutdown_timeout on the way out,
                    // rather than each remaining batch getting one more attempt that could block.
                    return;
                }
                int size = queue.size();
                if (size == 0) {
                    markCompleted();
                    accounting.reportDrops(now);
                    if (closing) {
                        return;
                    }
                    progress.clearFlushRequest();
                    if (now >= nextDue) {
                        nextDue = now + intervalNanos;
                    }
                    LockSupport.parkNanos(this, nextDue - now);
                    continue;
                }
                boolean due = size >= batchSize || closing || progress.flushRequested() || now >= nextDue;
                if (!due) {
                    LockSupport.parkNanos(this, nextDue - now);
                    continue;
                }
                if (!closing && destinations.allPaused()) {
                    // Every destination's circuit is open: leave events in the bounded queue instead of spending
                    // CPU on a backend that is down.
                    LockSupport.parkNanos(this, Math.min(destinations.minPauseRemainingNanos(), intervalNanos));
                    if (!closing && destinations.allPaused()) {
                        markCompleted();
                        accounting.reportDrops(System.nanoTime());
                        continue;
                    }
                }
                try {
                    drainAndDeliver(drained);
                } catch (RuntimeException | Error e) {
                    accounting.lastError("internal error: " + e);
                    // Some of the drained events may not have reached the sender: flush() must not report success.
                    progress.noteUndelivered(queue.consumedCount() - 1);
                    log.error("InsideLLM: unexpected error while delivering events; continuing", e);
                } finally {
                    drained.clear();
                    // After an error, what was gathered and not handed off must not join the next batch.
                    batchEvents.clear();
                    batchJson.clear();
                }
                markCompleted();
                if (queue.size() < batchSize) {
                    nextDue = System.nanoTime() + intervalNanos;
                }
            }
        } finally {
            sender.stop();
            finishTermination();
        }
    }

    /** Marks everything consumed so far as settled, unless the sender still has a batch (it marks its own). */
    private void markCompleted() {
        if (!sender.isBusy()) {
            progress.advance(queue.consumedCount());
        }
    }

    private void drainAndDeliver(List<Event> drained) {
        long firstSeq = queue.consumedCount();
        Event event;
        while (drained.size() < batchSize && (event = queue.poll()) != null) {
            drained.add(event);
        }
        long lastSeq = queue.consumedCount() - 1;
        List<Event> events = batchEvents;
        List<byte[]> json = batchJson;
        long batchBytes = 0;
        for (int i = 0; i < drained.size(); i++) {
            Event original = drained.get(i);
            Event processed = pipeline.process(original);
            if (processed == null) {
                continue;
            }
            byte[] bytes = pipeline.serialize(processed);
            if (bytes == null) {
                progress.noteUndelivered(lastSeq);
                continue;
            }
            if (!events.isEmpty() && batchBytes + bytes.length > maxBatchBytes) {
                handOff(events, json, lastSeq, firstSeq + i);
                batchBytes = 0;
            }
            events.add(pipeline.serializedEvent());
            json.add(bytes);
            batchBytes += bytes.length;
        }
        if (!events.isEmpty()) {
            handOff(events, json, lastSeq, lastSeq + 1);
        }
        if (firstSeq > lastSeq) {
            return;
        }
        accounting.reportDrops(System.nanoTime());
    }

    /**
     * Gives a batch to the sender; or, while the outbox holds a backlog, writes it behind the backlog here, so that
     * the sender delivers the backlog without stopping for each new batch and the queue never waits for it (one
     * hand-over per file sent had let the queue overflow at 10,000 events/s). The backlog is delivered first either
     * way.
     */
    private void handOff(List<Event> events, List<byte[]> json, long lastSeq, long watermark) {
        try {
            // Only while the sender holds no batch: one it holds may still go to the outbox, and must go first.
            if (!sender.isBusy() && destinations.hasOutboxWork() && !lifecycle.isClosed()
                    && destinations.spool(json)) {
                progress.noteUndelivered(lastSeq);
                sender.wakeForOutbox();
                return;
            }
            sender.handOff(EventBatch.of(events, json), lastSeq, watermark);
        } finally {
            // Both the batch and the outbox copied them: the lists are the next batch's.
            events.clear();
            json.clear();
        }
    }

    /**
     * Serialises what is still queued (close() ran out of time) and writes it to the outbox, for the next process
     * to deliver; what the outbox cannot take is counted as {@code shutdown_timeout}. Runs after the sender ended.
     */
    private void spoolLeftovers() {
        long spooled = 0;
        long lost = 0;
        long lastSeq = -1;
        List<byte[]> json = new ArrayList<>(batchSize);
        Event event;
        while ((event = queue.poll()) != null) {
            lastSeq = queue.consumedCount() - 1;
            Event processed = pipeline.process(event);
            byte[] serialized = processed == null ? null : pipeline.serialize(processed);
            if (serialized != null) {
                json.add(serialized);
            }
            if (json.size() == batchSize || queue.size() == 0 && !json.isEmpty()) {
                if (destinations.spool(json)) {
                    spooled += json.size();
                } else {
                    lost += json.size();
                }
                json = new ArrayList<>(batchSize);
            }
        }
        destinations.flushSpool();
        if (lastSeq >= 0) {
            progress.noteUndelivered(lastSeq);
        }
        if (lost > 0) {
            accounting.drop(DropReason.SHUTDOWN_TIMEOUT, lost);
        }
        log.warn("InsideLLM: close() timed out with {} events queued: {} went to the outbox{}", spooled + lost,
                spooled, lost > 0 ? ", " + lost + " could not be written and were dropped" : "");
    }

    /** Counts what is still queued, shuts the exporters down and releases waiting flushes. Runs once. */
    void finishTermination() {
        synchronized (lock) {
            if (progress.isTerminated()) {
                return;
            }
            if (destinations.hasOutbox() && queue.size() > 0) {
                spoolLeftovers();
            }
            // Whatever is still queued (close ran out of time) is counted, not silently lost.
            long leftover = queue.clear();
            if (leftover > 0) {
                accounting.drop(DropReason.SHUTDOWN_TIMEOUT, leftover);
                progress.noteUndelivered(queue.consumedCount() - 1);
                log.warn("InsideLLM: {} events were still queued when close() timed out and were not delivered",
                        leftover);
            }
            accounting.reportDrops(System.nanoTime() + REPORT_INTERVAL_NANOS * 2);
            destinations.shutdown(lifecycle.remainingCloseTime());
            progress.terminate(queue.consumedCount());
        }
    }
}
