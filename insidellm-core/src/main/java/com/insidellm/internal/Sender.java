package com.insidellm.internal;

import com.insidellm.DropReason;
import com.insidellm.EventBatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender thread and its hand-over from the flusher: the flusher prepares the next batch while the sender waits
 * for the answer to the last one, and hands it over once the sender is free, so at most two batches are outside the
 * queue and batches are sent one after another, in order. The thread starts with the first batch and is replaced if
 * an outside interrupt ends it. Internal; {@link #handOff} and {@link #stop} are called by the flusher only.
 */
final class Sender {

    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    /** How often the flusher, waiting to hand over a batch, checks that the sender is still alive. */
    private static final long SENDER_CHECK_MILLIS = 1000;

    /**
     * A batch ready to send. {@code lastSeq} is the queue sequence number of the last event of the drain it came
     * from; {@code watermark} is the sequence number up to which (exclusive) every event is settled once it is sent.
     */
    private record PreparedBatch(EventBatch batch, long lastSeq, long watermark) {
    }

    private final Destinations destinations;
    private final Accounting accounting;
    private final Progress progress;
    private final Lifecycle lifecycle;
    /** Wakes the flusher after each batch, so that events it settled without sending are marked completed too. */
    private final Runnable wakeFlusher;
    /** Guards {@link #prepared}, {@link #sending} and {@link #stopping}: the flusher-to-sender hand-over. */
    private final Object handoff = new Object();
    private @Nullable PreparedBatch prepared;
    private boolean sending;
    private boolean stopping;
    private volatile @Nullable Thread thread;

    Sender(Destinations destinations, Accounting accounting, Progress progress, Lifecycle lifecycle,
            Runnable wakeFlusher) {
        this.destinations = destinations;
        this.accounting = accounting;
        this.progress = progress;
        this.lifecycle = lifecycle;
        this.wakeFlusher = wakeFlusher;
    }

    @Nullable Thread thread() {
        return thread;
    }

    /** Whether the sender holds a batch (waiting or being sent); then it marks its own batch completed. */
    boolean isBusy() {
        synchronized (handoff) {
            return prepared != null || sending;
        }
    }

    /**
     * Gives the sender this batch and waits until it has taken it, so that the flusher prepares the next batch while
     * this one is being sent, and never holds more than that one. Not interruptible (see
     * {@link Lifecycle#ignoreInterrupt}).
     */
    void handOff(EventBatch batch, long lastSeq, long watermark) {
        if (thread == null) {
            start();
        }
        destinations.prepare(batch);
        PreparedBatch next = new PreparedBatch(batch, lastSeq, watermark);
        boolean interrupted = false;
        synchronized (handoff) {
            while (prepared != null) {
                interrupted |= awaitSender();
            }
            prepared = next;
            handoff.notifyAll();
            while (prepared == next) {
                interrupted |= awaitSender();
            }
        }
        if (interrupted) {
            lifecycle.ignoreInterrupt();
        }
    }

    /** Waits on {@link #handoff} (held) for a while, replacing the sender if it died; true if interrupted. */
    private boolean awaitSender() {
        boolean interrupted = false;
        try {
            handoff.wait(SENDER_CHECK_MILLIS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        Thread current = thread;
        if (prepared != null && (current == null || !current.isAlive())) {
            // Only an interrupt from outside ends the sender early; delivery must go on regardless.
            log.warn("InsideLLM sender thread ended unexpectedly; starting a new one");
            start();
        }
        return interrupted;
    }

    private void start() {
        Thread started = Lifecycle.daemon(this::run, "insidellm-sender-" + IDS.incrementAndGet());
        thread = started;
        started.start();
    }

    private void run() {
        while (true) {
            PreparedBatch next;
            // Read outside the hand-over lock: it may list the outbox directory.
            long drainIn = Math.min(destinations.nanosUntilDrain(), destinations.nanosUntilSpoolWrite());
            synchronized (handoff) {
                if (prepared == null && !stopping && drainIn > 0) {
                    try {
                        // Until a batch comes, or it is time to try the outbox again.
                        handoff.wait(drainIn == Long.MAX_VALUE ? 0 : Math.max(1, drainIn / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                next = prepared;
                if (next == null) {
                    if (stopping) {
                        break;
                    }
                } else {
                    prepared = null;
                    sending = true;
                    handoff.notifyAll();
                }
            }
            if (next == null) {
                destinations.flushSpoolIfLingered();
                drainOutbox();
                continue;
            }
            try {
                if (lifecycle.isClosed() && lifecycle.pastCloseDeadline() && !destinations.hasOutbox()) {
                    // close() ran out of time: counted as shutdown_timeout, like what is still queued.
                    accounting.drop(DropReason.SHUTDOWN_TIMEOUT, next.batch().size());
                    progress.noteUndelivered(next.lastSeq());
                } else {
                    // Past close()'s deadline, the outbox takes the batch without an attempt.
                    destinations.deliver(next.batch(), next.lastSeq());
                }
            } catch (InterruptedException e) {
                // Interrupted from outside while waiting out a backoff: this batch is given up, counted as failed;
                // the flusher starts a new sender for the next one.
                accounting.interrupted(next.batch().size());
                progress.noteUndelivered(next.lastSeq());
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                accounting.lastError("internal error: " + e);
                progress.noteUndelivered(next.lastSeq());
                log.error("InsideLLM: unexpected error while delivering events; continuing", e);
            } finally {
                synchronized (handoff) {
                    sending = false;
                    handoff.notifyAll();
                }
                progress.advance(next.watermark());
                wakeFlusher.run();
            }
            drainOutbox();
        }
        // Stopping: a last go at the outbox while close() has time (the backend may be back), then end with
        // everything the outbox gathered on disk.
        drainOutbox();
        destinations.flushSpool();
    }

    /**
     * Delivers from the outbox if it is due, stopping as soon as a new batch waits (it only needs a quick write to
     * the outbox, so the flusher is never held up by the backlog) or close() is out of time.
     */
    private void drainOutbox() {
        if (destinations.nanosUntilDrain() != 0) {
            return;
        }
        try {
            destinations.drainOutbox(() -> hasPrepared() || lifecycle.isClosed() && lifecycle.pastCloseDeadline());
        } catch (InterruptedException e) {
            // Interrupted from outside: the batch being sent stays in the outbox.
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            accounting.lastError("internal error: " + e);
            log.error("InsideLLM: unexpected error while delivering from the outbox; continuing", e);
        }
    }

    private boolean hasPrepared() {
        synchronized (handoff) {
            return prepared != null;
        }
    }

    /** Wakes the sender if it waits: the flusher spooled a batch, which may be due for writing or delivery. */
    void wakeForOutbox() {
        if (thread == null) {
            startForOutbox();
        }
        synchronized (handoff) {
            handoff.notifyAll();
        }
    }

    /** Starts the sender without a batch, to deliver what the outbox holds (a previous process left it). */
    void startForOutbox() {
        synchronized (handoff) {
            if (thread == null) {
                start();
            }
        }
    }

    /** Lets the sender deliver what it was given, then waits for it to end. Called by the flusher as it ends. */
    void stop() {
        Thread current = thread;
        if (current == null) {
            return;
        }
        synchronized (handoff) {
            stopping = true;
            handoff.notifyAll();
        }
        // close() bounds this: past its deadline the sender counts what is left instead of sending it, and close()
        // cancels a request still in flight. Not interruptible: ending before the sender would close the exporters
        // under it.
        while (current.isAlive()) {
            try {
                current.join();
            } catch (InterruptedException e) {
                lifecycle.ignoreInterrupt();
            }
        }
    }
}
