package com.insidellm.internal;

import com.insidellm.DropReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk spool for batches the client could not deliver: one file per batch in one directory, delivered oldest
 * first by whichever process claims it. Internal: not part of the public API.
 *
 * <p>This class holds the policy; the parts are beside it:
 * <ul>
 *   <li><b>Crash-safe</b> ({@link OutboxDirectory}): a file is written to a temporary name, forced and renamed, so it
 *       is either complete or absent, whenever the process dies.
 *   <li><b>Shared safely</b> ({@link OutboxClaim}): a process sends a file only while it holds the file's lock, and
 *       deletes it before letting go, so a file is never sent by two processes.
 *   <li><b>Bounded</b> (here): by total size ({@value #DEFAULT_MAX_BYTES} bytes by default) and age
 *       ({@link #DEFAULT_MAX_AGE}): the oldest files go first, and their events are reported as
 *       {@link DropReason#OUTBOX_FULL} or {@link DropReason#OUTBOX_EXPIRED}. The event count and the time of writing
 *       are in the file name ({@link OutboxFormat}), so bounding never reads a file.
 *   <li><b>Never fatal.</b> A file that does not check out (a foreign file, a damaged disk) is moved to
 *       {@code damaged/} with one WARN; I/O errors are reported to the caller, who still owns the batch.
 * </ul>
 *
 * <p>Thread-safe; meant to be used by one thread of the client (the sender) at a time.
 */
public final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    /** Default bound on the total size of the outbox's files: {@value} bytes (100 MiB). */
    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;
    /** Default bound on the age of a file in the outbox: 7 days. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

    /** How often the directory is re-read to learn about other processes' files when bounding by size. */
    private static final long RESCAN_MILLIS = 10_000;

    /** Hears about events the outbox gave up on. */
    @FunctionalInterface
    public interface DropListener {
        /** {@code events} events were deleted from the outbox unsent, for {@code reason}. */
        void dropped(DropReason reason, int events);
    }

    private final OutboxDirectory directory;
    private final long maxBytes;
    private final Duration maxAge;
    private final Clock clock;
    private final DropListener listener;
    private final String processTag = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    private final AtomicLong sequence = new AtomicLong();
    private final Object lock = new Object();
    /** The outbox's size as last scanned plus this process's writes since; re-read when it matters. */
    private long knownBytes;
    private long lastScanMillis;
    private boolean scanned;

    /**
     * Opens (creating it if needed) an outbox in {@code directory}.
     *
     * @throws IOException if the directory cannot be created or is not writable
     */
    public Outbox(Path directory, long maxBytes, Duration maxAge, Clock clock, DropListener listener)
            throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("outboxMaxBytes must be positive, but was " + maxBytes);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("outboxMaxAge must be positive, but was " + maxAge);
        }
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = clock;
        this.listener = listener;
        this.directory = new OutboxDirectory(directory);
    }

    /** The directory holding the files. */
    public Path directory() {
        return directory.path();
    }

    /**
     * Spools one batch (each element one event's wire JSON, without newlines), first making room by dropping the
     * oldest files if the outbox would pass its size bound. Returns the new file, or {@code null}, writing nothing,
     * when the batch is empty or alone over the bound (its events are then reported as
     * {@link DropReason#OUTBOX_FULL}).
     *
     * @throws IOException if the file could not be written; nothing is left behind and the caller keeps the batch
     */
    public @Nullable Path write(List<byte[]> events) throws IOException {
        if (events.isEmpty()) {
            return null;
        }
        byte[] content = OutboxFormat.encode(events);
        if (content.length > maxBytes) {
            listener.dropped(DropReason.OUTBOX_FULL, events.size());
            return null;
        }
        long now = clock.millis();
        String name = OutboxFormat.name(now, sequence.incrementAndGet(), processTag, events.size());
        synchronized (lock) {
            makeRoom(content.length, now);
            Path file = directory.writeDurably(name, content);
            knownBytes += content.length;
            return file;
        }
    }

    /**
     * The files waiting, oldest first, after deleting those past the age bound (reported as
     * {@link DropReason#OUTBOX_EXPIRED}). Another process may claim any of them before this one does.
     */
    public List<Path> pending() {
        List<Path> files = directory.list();
        long oldest = clock.millis() - maxAge.toMillis();
        List<Path> live = new ArrayList<>(files.size());
        for (Path file : files) {
            if (!OutboxFormat.isOwnName(file)) {
                OutboxClaim claim = lock(file);
                if (claim != null) {
                    directory.moveAside(file);
                    claim.release();
                }
            } else if (OutboxFormat.writtenAt(file) < oldest) {
                delete(file, DropReason.OUTBOX_EXPIRED);
            } else {
                live.add(file);
            }
        }
        return live;
    }

    /** Whether no file is waiting (cheap: lists the directory without opening a file). */
    public boolean isEmpty() {
        return directory.isEmpty();
    }

    /** The number of events in the files waiting now, from their names (no file is opened). */
    public long pendingEvents() {
        long total = 0;
        for (Path file : directory.list()) {
            total += Math.max(0, OutboxFormat.eventCount(file));
        }
        return total;
    }

    /**
     * Claims {@code file} for sending: locks it and reads its events. Returns {@code null} when another process (or
     * client) holds it, it is gone (sent by someone else), or it is damaged (then it is moved aside with a WARN).
     * The caller must end the claim with {@link OutboxClaim#delivered()} or {@link OutboxClaim#release()}.
     */
    public @Nullable OutboxClaim claim(Path file) {
        OutboxClaim claim = lock(file);
        if (claim == null) {
            return null;
        }
        if (!claim.read()) {
            directory.moveAside(file);
            claim.release();
            return null;
        }
        return claim;
    }

    private @Nullable OutboxClaim lock(Path file) {
        return OutboxClaim.tryLock(file, size -> {
            synchronized (lock) {
                knownBytes -= size;
            }
        });
    }

    // ---------------------------------------------------------------- bounding

    private void makeRoom(long incoming, long now) {
        if (!scanned || now - lastScanMillis >= RESCAN_MILLIS || knownBytes + incoming > maxBytes) {
            rescan(now);
        }
        if (knownBytes + incoming <= maxBytes) {
            return;
        }
        for (Path file : directory.list()) {
            if (knownBytes + incoming <= maxBytes) {
                return;
            }
            delete(file, DropReason.OUTBOX_FULL);
        }
    }

    private void rescan(long now) {
        long total = 0;
        for (Path file : directory.list()) {
            try {
                total += Files.size(file);
            } catch (IOException gone) {
                // claimed and deleted by another process meanwhile
            }
        }
        knownBytes = total;
        lastScanMillis = now;
        scanned = true;
        directory.cleanStaleTemporaries(now);
    }

    /** Deletes a file unsent, unless another process is sending it; counts its events as dropped. */
    private void delete(Path file, DropReason reason) {
        OutboxClaim claim = lock(file);
        if (claim == null) {
            return;
        }
        try {
            claim.deleteHeld();
        } catch (IOException e) {
            log.debug("Cannot delete outbox file {}: {}", file, e.toString());
            claim.release();
            return;
        }
        int events = Math.max(0, OutboxFormat.eventCount(file));
        log.debug("Dropped outbox file {} ({} events): {}", file.getFileName(), events, reason);
        if (events > 0) {
            listener.dropped(reason, events);
        }
    }

    @Override
    public String toString() {
        return "Outbox{" + directory + "}";
    }
}
