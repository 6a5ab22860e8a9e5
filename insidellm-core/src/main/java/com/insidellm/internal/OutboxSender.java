package com.insidellm.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's use of the disk {@link Outbox}: spools the batches that cannot be delivered now, and delivers spooled
 * batches oldest first as soon as the backend answers. Internal: not part of the public API.
 *
 * <p>Draining is not paced by a fixed wait: after a spooled batch is delivered the next one goes at once, so a
 * backlog drains at the speed of the backend. Only a failed attempt waits, with exponential backoff from
 * {@code initialBackoff} capped at {@code maxBackoff} (or until the circuit breaker lets calls through), so a backend
 * that is back is found within that cap. While the outbox holds batches, the flusher spools new batches behind them
 * itself (an append in memory, a sequential write now and then) instead of handing them to the sender, so the
 * sender drains without interruption, the queue never waits for the backlog, and order is kept.
 *
 * <p>The list of spooled files is kept in memory ({@link OutboxFileList}), re-read from the directory every
 * {@value OutboxFileList#RESCAN_MILLIS} ms. Thread-safe: the flusher spools and the sender drains; no lock is held
 * while a batch is being sent.
 */
public final class OutboxSender {

    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
    private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(30).toNanos();

    /** Hears about gathered events that could not be written (counted as failed by the client). */
    @FunctionalInterface
    public interface WriteFailures {
        void lost(int events, String reason);
    }

    /** Delivers one spooled batch once (no retries) and says which of its events must stay for a later attempt. */
    @FunctionalInterface
    public interface Send {
        /** Sends {@code events} (wire JSON, as spooled) once and says what must be kept. */
        OutboxAttempt send(List<byte[]> events) throws InterruptedException;
    }

    private final Outbox outbox;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final LongSupplier nanoTime;
    private final WriteFailures writeFailures;
    /** Guards the gathered batches, the list of files and the backoff: the flusher spools, the sender drains. */
    private final Object lock = new Object();
    private final OutboxFileList files;
    /** The events in {@link #files} plus the gathered ones, for stats read from any thread without the lock. */
    private volatile long waiting;
    private final GatheredBatches gathered;
    private int failures;
    private long nextAttemptNanos;
    private long spoolFailuresSinceWarn;
    private long lastWarnNanos;
    private boolean warned;

    /** Creates the sender side of {@code outbox} writing files of one batch each; for tests. */
    OutboxSender(Outbox outbox, Duration initialBackoff, Duration maxBackoff, LongSupplier nanoTime) {
        this(outbox, initialBackoff, maxBackoff, 1, Long.MAX_VALUE, nanoTime, (events, reason) -> { });
    }

    /**
     * Creates the sender side of {@code outbox}, gathering batches into files of at most {@code maxFileEvents}
     * events and {@code maxFileBytes} bytes of JSON (one request each when delivered); the directory is listed on
     * first use.
     */
    public OutboxSender(Outbox outbox, Duration initialBackoff, Duration maxBackoff, int maxFileEvents,
            long maxFileBytes, LongSupplier nanoTime, WriteFailures writeFailures) {
        this.gathered = new GatheredBatches(maxFileEvents, maxFileBytes);
        this.writeFailures = writeFailures;
        this.outbox = outbox;
        this.files = new OutboxFileList(outbox);
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
     * Takes a batch into the outbox: gathered in memory ({@link GatheredBatches}) and written as one file once the
     * file limits are reached, when the sender is idle for {@link GatheredBatches#LINGER_NANOS}
     * ({@link #flushIfLingered}), before a drain, and at close ({@link #flush()}). Gathered events are in memory like
     * the queue's; once written they survive a crash. A batch larger than the whole outbox is counted as dropped
     * ({@code outbox_full}). Returns false when a file could not be written (I/O error, logged as a throttled WARN):
     * the caller still owns this batch's events.
     */
    public boolean spool(List<byte[]> events) {
        synchronized (lock) {
            if (events.isEmpty()) {
                return true;
            }
            long bytes = GatheredBatches.bytes(events);
            if (gathered.wouldOverflow(events.size(), bytes)) {
                flush();
            }
            gathered.add(events, bytes, nanoTime.getAsLong());
            noteWaiting();
            if (!gathered.isFull()) {
                return true;
            }
            // The caller still holds these events' batch: a failed write is reported to it, not counted here.
            boolean written = writeFile(gathered.take(), false);
            noteWaiting();
            return written;
        }
    }

    /** Writes the gathered batches as one file now (before a drain, at close). */
    public void flush() {
        synchronized (lock) {
            if (!gathered.isEmpty()) {
                writeFile(gathered.take(), true);
                noteWaiting();
            }
        }
    }

    /** Writes the gathered batches if the first of them waited {@link GatheredBatches#LINGER_NANOS}. */
    public void flushIfLingered() {
        synchronized (lock) {
            if (gathered.nanosUntilLingered(nanoTime.getAsLong()) == 0) {
                flush();
            }
        }
    }

    /** Nanoseconds until gathered batches must be written, {@link Long#MAX_VALUE} if none are gathered. */
    public long nanosUntilLingered() {
        synchronized (lock) {
            return gathered.nanosUntilLingered(nanoTime.getAsLong());
        }
    }

    /** Writes one file; on failure logs (throttled) and, when {@code count}, reports the events as lost. */
    private boolean writeFile(List<byte[]> events, boolean count) {
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
            if (count) {
                writeFailures.lost(events.size(), "could not write to the outbox: " + e);
            }
            return false;
        }
        if (file != null) {
            files.added(file, events.size());
            noteWaiting();
        }
        return true;
    }

    /**
     * Whether spooled batches wait, gathered or on disk (this process's or another's); re-reads the directory only
     * now and then.
     */
    public boolean hasWork() {
        synchronized (lock) {
            if (!gathered.isEmpty()) {
                return true;
            }
            refresh();
            return !files.isEmpty();
        }
    }

    /** Nanoseconds until the next drain attempt is due: 0 if now, {@link Long#MAX_VALUE} if nothing waits. */
    public long nanosUntilDrain() {
        synchronized (lock) {
            if (!hasWork()) {
                return Long.MAX_VALUE;
            }
            return Math.max(0, nextAttemptNanos - nanoTime.getAsLong());
        }
    }

    /** Postpones the next drain attempt by at least {@code nanos} (the circuit breaker is open that long). */
    public void deferBy(long nanos) {
        synchronized (lock) {
            nextAttemptNanos = Math.max(nextAttemptNanos, nanoTime.getAsLong() + nanos);
        }
    }

    /**
     * Delivers spooled batches, oldest first, while attempts succeed: stops when the outbox is empty, an attempt
     * fails (then the next one waits for the backoff), or {@code stop} says so (checked before each batch: a new
     * batch waits, or close() is out of time). Returns the number of batches it finished.
     */
    public int drain(Send send, BooleanSupplier stop) throws InterruptedException {
        int finished = 0;
        while (!stop.getAsBoolean()) {
            Path file;
            synchronized (lock) {
                if (nanoTime.getAsLong() - nextAttemptNanos < 0) {
                    return finished;
                }
                refresh();
                if (files.isEmpty()) {
                    flush();
                }
                file = files.first();
                if (file == null) {
                    return finished;
                }
            }
            OutboxClaim claim = outbox.claim(file);
            if (claim == null) {
                // Sent or being sent by another process, or damaged and moved aside.
                synchronized (lock) {
                    forget(file);
                }
                continue;
            }
            OutboxAttempt attempt;
            try {
                // Not under the lock: the flusher keeps spooling while a batch is being sent.
                attempt = send.send(claim.events());
            } catch (InterruptedException | RuntimeException | Error e) {
                claim.release();
                throw e;
            }
            List<byte[]> keep = attempt.keep();
            synchronized (lock) {
                if (keep.isEmpty()) {
                    claim.delivered();
                    forget(file);
                    failures = 0;
                    finished++;
                    continue;
                }
                if (keep.size() < claim.events().size() && writeFile(keep, false)) {
                    // Part of it arrived: keep only the rest, so that nothing is sent twice.
                    claim.delivered();
                    forget(file);
                } else {
                    claim.release();
                }
                failures++;
                nextAttemptNanos = nanoTime.getAsLong() + waitAfterFailure(attempt.serverWait());
                return finished;
            }
        }
        return finished;
    }

    /**
     * The wait before the next attempt: the backend's {@code Retry-After} when it sent one (as the live retries do),
     * else exponential backoff from {@code initialBackoff} capped at {@code maxBackoff}. Never shorter than
     * {@code initialBackoff}: a {@code Retry-After: 0} on every answer must not spin the sender.
     */
    private long waitAfterFailure(@Nullable Duration serverWait) {
        if (serverWait != null) {
            return Math.max(initialBackoffNanos, serverWait.toNanos());
        }
        long backoff = initialBackoffNanos << Math.min(failures - 1, 30);
        return Math.min(maxBackoffNanos, backoff > 0 ? backoff : maxBackoffNanos);
    }

    private void refresh() {
        files.refresh(nanoTime.getAsLong());
        noteWaiting();
    }

    private void forget(Path file) {
        files.remove(file);
        noteWaiting();
    }

    private void noteWaiting() {
        waiting = files.events() + gathered.size();
    }

    /**
     * Events waiting in the outbox: gathered in memory, or in the files this sender knows of (its own, and other
     * processes' as of the last directory listing, at most {@value OutboxFileList#RESCAN_MILLIS} ms old). Any
     * thread; no lock, no     * disk access, so metrics may ask often.
     */
    public long waitingEvents() {
        return waiting;
    }

    @Override
    public String toString() {
        return "OutboxSender{" + outbox.directory() + ", waiting=" + files.size() + " files}";
    }
}
