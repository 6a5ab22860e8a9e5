package com.insidellm.internal;

import java.nio.file.Path;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * The spooled files an {@link OutboxSender} knows of, oldest first, and how many events they hold (from their
 * names): files this process writes are appended as they are written, and the directory is re-read every
 * {@value #RESCAN_MILLIS} ms for files other processes left (and to forget files dropped by the outbox's bounds).
 * Internal. Not thread-safe: used under the sender's lock.
 */
final class OutboxFileList {

    static final long RESCAN_MILLIS = 10_000;

    private final Outbox outbox;
    private final ArrayDeque<Path> files = new ArrayDeque<>();
    private long events;
    private boolean listed;
    private long listedAtNanos;

    OutboxFileList(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Re-reads the directory if it was never read, or last read {@value #RESCAN_MILLIS} ms before {@code now}. */
    void refresh(long nowNanos) {
        if (!listed || nowNanos - listedAtNanos >= RESCAN_MILLIS * 1_000_000) {
            files.clear();
            events = 0;
            for (Path file : outbox.pending()) {
                files.addLast(file);
                events += Math.max(0, OutboxFormat.eventCount(file));
            }
            listed = true;
            listedAtNanos = nowNanos;
        }
    }

    /**
     * Appends a file this process just wrote with {@code count} events; before the first listing it is left for
     * that listing to find.
     */
    void added(Path file, int count) {
        if (listed) {
            files.addLast(file);
            events += count;
        }
    }

    /** Takes a file off the list: delivered, or no longer this process's to send. */
    void remove(Path file) {
        if (files.remove(file)) {
            events -= Math.max(0, OutboxFormat.eventCount(file));
        }
    }

    /** The oldest file, or null. */
    @Nullable Path first() {
        return files.peekFirst();
    }

    boolean isEmpty() {
        return files.isEmpty();
    }

    int size() {
        return files.size();
    }

    /** Events in the files on the list. */
    long events() {
        return events;
    }
}
