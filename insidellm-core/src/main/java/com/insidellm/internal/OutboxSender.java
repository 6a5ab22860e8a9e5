package com.insidellm.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender thread's use of the disk {@link Outbox}: spools the batches it could not deliver, and delivers spooled
 * batches oldest first as soon as the backend answers. Internal: not part of the public API.
 *
 * <p>Draining is not paced by a fixed wait: after a spooled batch is delivered the next one goes at once, so a
 * backlog drains at the speed of the backend. Only a failed attempt waits, with exponential backoff from
 * {@code initialBackoff} capped at {@code maxBackoff} (or until the circuit breaker lets calls through), so a backend
 * that is back is found within that cap. While the outbox holds batches, new batches are spooled behind them (a
 * sequential write, no waiting), so that the caller's side never waits for the backlog and order is kept.
 *
 * <p>The list of spooled files is kept in memory: files this process writes are appended as they are written, and
 * the directory is re-read every {@value #RESCAN_MILLIS} ms (and when the list runs empty) for files other processes
 * left. Not thread-safe: used by the sender thread only.
 */
public final class OutboxSender {

    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
    static final long RESCAN_MILLIS = 10_000;
    private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(30).toNanos();

    /** Delivers one spooled batch once (no retries) and says which of its events must stay for a later attempt. */
    @FunctionalInterface
    public interface Send {
        /**
         * Sends {@code events} (wire JSON, as spooled) and returns the ones that could not be delivered now and must
         * be kept: all of them when the backend is unavailable, none when every event was delivered or given up on
         * for good (refused, rejected; the caller counts those).
         */
        List<byte[]> send(List<byte[]> events) throws InterruptedException;
    }

    private final Outbox outbox;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Path> queue = new ArrayDeque<>();
    private boolean listed;
    private long listedAtNanos;
    private int failures;
    private long nextAttemptNanos;
    private long spoolFailuresSinceWarn;
    private long lastWarnNanos;
    private boolean warned;

    /** Creates the sender side of {@code outbox}; the directory is listed on first use. */
    public OutboxSender(Outbox outbox, Duration initialBackoff, Duration maxBackoff, LongSupplier nanoTime) {
        this.outbox = outbox;
        this.initialBackoffNanos = Math.max(1, initialBackoff.toNanos());
        this.maxBackoffNanos = Math.max(initialBackoffNanos, maxBackoff.toNanos());
        this.nanoTime = nanoTime;
        this.nextAttemptNanos = nanoTime.getAsLong();
    }

    /** The outbox this sends from. */
    public Outbox outbox() {
        return outbox;
    }

    /**
     * Writes a batch to the outbox, or (a batch larger than the whole outbox) counts it as dropped
     * {@code outbox_full}; either way the outbox has taken the events. False when the write failed (I/O error, logged
     * as a throttled WARN): the caller still owns the events.
     */
    public boolean spool(List<byte[]> events) {
        if (events.isEmpty()) {
            return true;
        }
        Path file;
        try {
            file = outbox.write(events);
        } catch (IOException | RuntimeException e) {
            spoolFailuresSinceWarn += events.size();
            long now = nanoTime.getAsLong();
            if (!warned || now - lastWarnNanos >= WARN_INTERVAL_NANOS) {
                log.warn("InsideLLM: could not write {} events to the outbox {}: {}", spoolFailuresSinceWarn,
                        outbox.directory(), e.toString());
                warned = true;
                lastWarnNanos = now;
                spoolFailuresSinceWarn = 0;
            }
            return false;
        }
        if (file == null) {
            return true;
        }
        if (listed) {
            queue.addLast(file);
        }
        return true;
    }

    /** Whether spooled batches wait (this process's or another's); re-reads the directory only now and then. */
    public boolean hasWork() {
        refresh(false);
        return !queue.isEmpty();
    }

    /** Nanoseconds until the next drain attempt is due: 0 if now, {@link Long#MAX_VALUE} if nothing waits. */
    public long nanosUntilDrain() {
        if (!hasWork()) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, nextAttemptNanos - nanoTime.getAsLong());
    }

    /** Postpones the next drain attempt by at least {@code nanos} (the circuit breaker is open that long). */
    public void deferBy(long nanos) {
        nextAttemptNanos = Math.max(nextAttemptNanos, nanoTime.getAsLong() + nanos);
    }

    /**
     * Delivers spooled batches, oldest first, while attempts succeed: stops when the outbox is empty, an attempt
     * fails (then the next one waits for the backoff), or {@code stop} says so (checked before each batch: a new
     * batch waits, or close() is out of time). Returns the number of batches it finished.
     */
    public int drain(Send send, BooleanSupplier stop) throws InterruptedException {
        int finished = 0;
        while (nanoTime.getAsLong() - nextAttemptNanos >= 0 && !stop.getAsBoolean()) {
            refresh(false);
            Path file = queue.peekFirst();
            if (file == null) {
                return finished;
            }
            Outbox.Claim claim = outbox.claim(file);
            if (claim == null) {
                // Sent or being sent by another process, or damaged and moved aside.
                queue.pollFirst();
                continue;
            }
            List<byte[]> keep;
            try {
                keep = send.send(claim.events());
            } catch (InterruptedException | RuntimeException | Error e) {
                claim.release();
                throw e;
            }
            if (keep.isEmpty()) {
                claim.delivered();
                queue.pollFirst();
                failures = 0;
                finished++;
                continue;
            }
            if (keep.size() < claim.events().size() && spool(keep)) {
                // Part of it arrived: keep only the rest, so that nothing is sent twice.
                claim.delivered();
                queue.pollFirst();
            } else {
                claim.release();
            }
            failures++;
            long backoff = initialBackoffNanos << Math.min(failures - 1, 30);
            nextAttemptNanos = nanoTime.getAsLong() + Math.min(maxBackoffNanos, backoff > 0 ? backoff : maxBackoffNanos);
            return finished;
        }
        return finished;
    }

    private void refresh(boolean force) {
        long now = nanoTime.getAsLong();
        if (force || !listed || now - listedAtNanos >= RESCAN_MILLIS * 1_000_000) {
            queue.clear();
            queue.addAll(outbox.pending());
            listed = true;
            listedAtNanos = now;
        }
    }

    @Override
    public String toString() {
        return "OutboxSender{" + outbox.directory() + ", waiting=" + queue.size() + "}";
    }
}
