package com.insidellm.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Outbox} file this process holds while it sends (or deletes) it. Internal: not part of the public API.
 *
 * <p>Processes sharing the directory claim a file by taking an exclusive {@link FileLock} on it and checking it still
 * exists; the holder deletes it before releasing the lock. So a file is never sent by two processes, and a process
 * that dies mid-send releases its claim (the OS drops the lock) for the next one. Not thread-safe: one thread holds a
 * claim.
 */
public final class OutboxClaim {

    private static final Logger log = LoggerFactory.getLogger(OutboxClaim.class);

    /**
     * Outbox files this JVM holds open, by absolute path. Within a JVM a file is opened by one claim at a time: on
     * POSIX systems closing any descriptor of a file drops the process's lock on it, so probing a held file with a
     * second channel would let another process in.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Path key;
    private final FileChannel channel;
    /** Told the size of the file when this claim deletes it (the outbox keeps its size). */
    private final LongConsumer deleted;
    private List<byte[]> events = List.of();
    private boolean ended;

    private OutboxClaim(Path file, Path key, FileChannel channel, LongConsumer deleted) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.deleted = deleted;
    }

    /**
     * Opens and locks {@code file}; null if another process or claim of this JVM holds it, or it is gone (sent by
     * someone else). {@code deleted} hears the file's size if this claim deletes it.
     */
    static @Nullable OutboxClaim tryLock(Path file, LongConsumer deleted) {
        Path key = file.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            return null;
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock fileLock = channel.tryLock();
            // The previous holder deletes the file before it releases the lock: a file that is gone was sent.
            if (fileLock != null && Files.exists(file)) {
                return new OutboxClaim(file, key, channel, deleted);
            }
        } catch (NoSuchFileException gone) {
            // sent by another process meanwhile
        } catch (IOException | OverlappingFileLockException e) {
            log.debug("Cannot lock outbox file {}: {}", file, e.toString());
        }
        if (channel != null) {
            closeQuietly(channel);
        }
        HELD.remove(key);
        return null;
    }

    /** Reads the file's events; false if its content does not check out against its name (a damaged file). */
    boolean read() {
        List<byte[]> read;
        try {
            read = OutboxFormat.decode(OutboxFormat.readAll(channel), OutboxFormat.eventCount(file));
        } catch (IOException e) {
            read = null;
        }
        if (read == null) {
            return false;
        }
        events = List.copyOf(read);
        return true;
    }

    /** The file claimed. */
    Path file() {
        return file;
    }

    /** The file's events, each one event's wire JSON. */
    public List<byte[]> events() {
        return events;
    }

    /** When the batch was written to the outbox, in epoch milliseconds. */
    public long writtenAtMillis() {
        return OutboxFormat.writtenAt(file);
    }

    /** The events were delivered (or given up on for good): deletes the file, then releases it. */
    public void delivered() {
        if (ended) {
            return;
        }
        try {
            deleteHeld();
        } catch (IOException e) {
            log.warn("InsideLLM: could not delete delivered outbox file {}; it may be sent again: {}", file,
                    e.toString());
            release();
        }
    }

    /** Deletes the file while holding it, then releases it; on failure the file is still held. */
    void deleteHeld() throws IOException {
        long size = channel.size();
        Files.delete(file);
        deleted.accept(size);
        release();
    }

    /** The events could not be delivered now: releases the file for a later attempt (by any process). */
    public void release() {
        if (!ended) {
            ended = true;
            closeQuietly(channel);
            HELD.remove(key);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing releases the lock; nothing else to do
        }
    }

    @Override
    public String toString() {
        return "OutboxClaim{" + file.getFileName() + (ended ? ", ended" : "") + "}";
    }
}
