package com.insidellm.internal;

import com.insidellm.DropReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk spool for batches the client could not deliver: one file per batch in one directory, delivered oldest
 * first by whichever process claims it. Internal: not part of the public API.
 *
 * <ul>
 *   <li><b>Crash-safe.</b> A batch is written to a hidden temporary file, forced to disk, and renamed atomically to
 *       its final name, then the directory is forced: a file is either complete or absent, whenever the process dies.
 *   <li><b>Shared safely.</b> Processes sharing the directory claim a file by taking an exclusive {@link FileLock} on
 *       it and checking it still exists; the sender deletes it before releasing the lock. So a file is never sent by
 *       two processes, and a process that dies mid-send releases its claim (the OS drops the lock) for the next one.
 *   <li><b>Bounded.</b> By total size ({@value #DEFAULT_MAX_BYTES} bytes by default) and age
 *       ({@link #DEFAULT_MAX_AGE}): the oldest files go first, and their events are reported as
 *       {@link DropReason#OUTBOX_FULL} or {@link DropReason#OUTBOX_EXPIRED}. The event count and the time of writing
 *       are in the file name, so bounding never reads a file.
 *   <li><b>Never fatal.</b> A file that does not check out (a foreign file, a damaged disk) is moved to
 *       {@code damaged/} with one WARN; I/O errors are reported to the caller, who still owns the batch.
 * </ul>
 *
 * <p>File format: a header line {@code insidellm-outbox/1 <events> <crc32c of the rest, hex>}, then each event's wire
 * JSON on its own line. Thread-safe; meant to be used by one thread of the client (the sender) at a time.
 */
public final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    /** Default bound on the total size of the outbox's files: {@value} bytes (100 MiB). */
    public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;
    /** Default bound on the age of a file in the outbox: 7 days. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);

    static final String SUFFIX = ".batch";
    static final String TEMP_PREFIX = ".tmp-";
    static final String DAMAGED = "damaged";
    private static final String MAGIC = "insidellm-outbox/1";
    /** Damaged files kept for inspection; older ones are deleted. */
    private static final int MAX_DAMAGED = 20;
    /** A temporary file this old was left by a process that died while writing it. */
    private static final Duration STALE_TEMP = Duration.ofHours(1);
    /** How often the directory is re-read to learn about other processes' files when bounding by size. */
    private static final long RESCAN_MILLIS = 10_000;
    /** Outbox files this JVM holds open, by absolute path (see {@link #lock}). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /** Hears about events the outbox gave up on. */
    @FunctionalInterface
    public interface DropListener {
        /** {@code events} events were deleted from the outbox unsent, for {@code reason}. */
        void dropped(DropReason reason, int events);
    }

    private final Path directory;
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
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.maxAge = maxAge;
        this.clock = clock;
        this.listener = listener;
        Files.createDirectories(directory);
        if (!Files.isWritable(directory)) {
            throw new IOException("outbox directory " + directory + " is not writable");
        }
    }

    /** The directory holding the files. */
    public Path directory() {
        return directory;
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
        byte[] content = encode(events);
        if (content.length > maxBytes) {
            listener.dropped(DropReason.OUTBOX_FULL, events.size());
            return null;
        }
        long now = clock.millis();
        String name = String.format("%013d-%08d-%s-%d%s", now, sequence.incrementAndGet() % 100_000_000,
                processTag, events.size(), SUFFIX);
        synchronized (lock) {
            makeRoom(content.length, now);
            Path temp = directory.resolve(TEMP_PREFIX + name);
            try {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(content);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                move(temp, directory.resolve(name));
            } catch (IOException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            forceDirectory();
            knownBytes += content.length;
        }
        return directory.resolve(name);
    }

    /**
     * The files waiting, oldest first, after deleting those past the age bound (reported as
     * {@link DropReason#OUTBOX_EXPIRED}). Another process may claim any of them before this one does.
     */
    public List<Path> pending() {
        List<Path> files = list();
        long oldest = clock.millis() - maxAge.toMillis();
        List<Path> live = new ArrayList<>(files.size());
        for (Path file : files) {
            if (eventCount(file) <= 0 || writtenAt(file) == Long.MIN_VALUE) {
                Claim claim = lock(file);
                if (claim != null) {
                    moveAside(file);
                    claim.release();
                }
            } else if (writtenAt(file) < oldest) {
                delete(file, DropReason.OUTBOX_EXPIRED);
            } else {
                live.add(file);
            }
        }
        return live;
    }

    /** Whether no file is waiting (cheap: lists the directory without opening a file). */
    public boolean isEmpty() {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            return !stream.iterator().hasNext();
        } catch (IOException e) {
            return true;
        }
    }

    /** The number of events in the files waiting now, from their names. */
    public long pendingEvents() {
        long total = 0;
        for (Path file : list()) {
            total += Math.max(0, eventCount(file));
        }
        return total;
    }

    /**
     * Claims {@code file} for sending: locks it and reads its events. Returns {@code null} when another process (or
     * client) holds it, it is gone (sent by someone else), or it is damaged (then it is moved aside with a WARN).
     * The caller must end the claim with {@link Claim#delivered()} or {@link Claim#release()}.
     */
    public @Nullable Claim claim(Path file) {
        Claim claim = lock(file);
        if (claim == null) {
            return null;
        }
        List<byte[]> events;
        try {
            events = decode(readAll(claim.channel), eventCount(file));
        } catch (IOException e) {
            events = null;
        }
        if (events == null) {
            moveAside(file);
            claim.release();
            return null;
        }
        claim.events = List.copyOf(events);
        return claim;
    }

    /**
     * Opens and locks {@code file}; null if another process or client holds it or it is gone. Within this JVM a file
     * is opened by one claim at a time ({@link #HELD}): on POSIX systems closing any descriptor of a file drops the
     * process's lock on it, so probing a held file with a second channel would let another process in.
     */
    private @Nullable Claim lock(Path file) {
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
                return new Claim(file, key, channel);
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

    /** A file this process holds while it sends the file's events. Not thread-safe. */
    public final class Claim {
        private final Path file;
        private final Path key;
        private final FileChannel channel;
        private List<byte[]> events = List.of();
        private boolean ended;

        private Claim(Path file, Path key, FileChannel channel) {
            this.file = file;
            this.key = key;
            this.channel = channel;
        }

        /** The file's events, each one event's wire JSON. */
        public List<byte[]> events() {
            return events;
        }

        /** When the batch was written to the outbox, in epoch milliseconds. */
        public long writtenAtMillis() {
            return writtenAt(file);
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
        private void deleteHeld() throws IOException {
            long size = channel.size();
            Files.delete(file);
            synchronized (lock) {
                knownBytes -= size;
            }
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
    }

    // ---------------------------------------------------------------- bounding

    private void makeRoom(long incoming, long now) {
        if (!scanned || now - lastScanMillis >= RESCAN_MILLIS || knownBytes + incoming > maxBytes) {
            rescan(now);
        }
        if (knownBytes + incoming <= maxBytes) {
            return;
        }
        for (Path file : list()) {
            if (knownBytes + incoming <= maxBytes) {
                return;
            }
            delete(file, DropReason.OUTBOX_FULL);
        }
    }

    private void rescan(long now) {
        long total = 0;
        for (Path file : list()) {
            try {
                total += Files.size(file);
            } catch (IOException gone) {
                // claimed and deleted by another process meanwhile
            }
        }
        knownBytes = total;
        lastScanMillis = now;
        scanned = true;
        cleanStaleTemporaries(now);
    }

    /** Deletes a file unsent, unless another process is sending it; counts its events as dropped. */
    private void delete(Path file, DropReason reason) {
        Claim claim = lock(file);
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
        int events = Math.max(0, eventCount(file));
        log.debug("Dropped outbox file {} ({} events): {}", file.getFileName(), events, reason);
        if (events > 0) {
            listener.dropped(reason, events);
        }
    }

    private void cleanStaleTemporaries(long now) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, TEMP_PREFIX + "*")) {
            for (Path temp : stream) {
                if (now - Files.getLastModifiedTime(temp).toMillis() > STALE_TEMP.toMillis()) {
                    Files.deleteIfExists(temp);
                }
            }
        } catch (IOException e) {
            log.debug("Cannot clean the outbox's temporary files: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------- files

    /** The batch files, oldest first (the names start with the zero-padded time of writing). */
    private List<Path> list() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : stream) {
                if (!file.getFileName().toString().startsWith(".")) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            log.debug("Cannot list the outbox {}: {}", directory, e.toString());
        }
        files.sort(null);
        return files;
    }

    private static long writtenAt(Path file) {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        try {
            return Long.parseLong(name.substring(0, dash));
        } catch (RuntimeException foreign) {
            return Long.MIN_VALUE;
        }
    }

    /** The event count from the file name, or -1 for a name this outbox did not write. */
    private static int eventCount(Path file) {
        String name = file.getFileName().toString();
        int dash = name.lastIndexOf('-');
        try {
            return Integer.parseInt(name.substring(dash + 1, name.length() - SUFFIX.length()));
        } catch (RuntimeException foreign) {
            return -1;
        }
    }

    static byte[] encode(List<byte[]> events) {
        CRC32C crc = new CRC32C();
        int size = 0;
        for (byte[] event : events) {
            crc.update(event);
            crc.update('\n');
            size += event.length + 1;
        }
        byte[] header = (MAGIC + " " + events.size() + " " + Long.toHexString(crc.getValue()) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + size);
        out.writeBytes(header);
        for (byte[] event : events) {
            out.writeBytes(event);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** The events of a file's content, or null if the content does not check out. */
    static @Nullable List<byte[]> decode(byte[] content, int expectedCount) {
        int headerEnd = indexOf(content, 0);
        if (headerEnd < 0) {
            return null;
        }
        String[] header = new String(content, 0, headerEnd, StandardCharsets.US_ASCII).split(" ");
        if (header.length != 3 || !header[0].equals(MAGIC)) {
            return null;
        }
        int count;
        long crcValue;
        try {
            count = Integer.parseInt(header[1]);
            crcValue = Long.parseLong(header[2], 16);
        } catch (NumberFormatException e) {
            return null;
        }
        if (count != expectedCount || count <= 0) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(content, headerEnd + 1, content.length - headerEnd - 1);
        if (crc.getValue() != crcValue) {
            return null;
        }
        List<byte[]> events = new ArrayList<>(count);
        int start = headerEnd + 1;
        while (start < content.length) {
            int end = indexOf(content, start);
            if (end < 0) {
                return null;
            }
            events.add(Arrays.copyOfRange(content, start, end));
            start = end + 1;
        }
        return events.size() == count ? events : null;
    }

    private static int indexOf(byte[] content, int from) {
        for (int i = from; i < content.length; i++) {
            if (content[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("outbox file too large: " + size);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // read until full
        }
        return buffer.array();
    }

    private void moveAside(Path file) {
        Path damaged = directory.resolve(DAMAGED);
        try {
            Files.createDirectories(damaged);
            Files.move(file, damaged.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            log.warn("InsideLLM: outbox file {} is damaged or not an outbox file; moved it to {} and went on",
                    file.getFileName(), damaged);
            trimDamaged(damaged);
        } catch (IOException e) {
            log.warn("InsideLLM: outbox file {} is damaged and could not be moved aside ({}); deleting it",
                    file.getFileName(), e.toString());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // nothing more to do; the next claim tries again
            }
        }
    }

    private static void trimDamaged(Path damaged) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(damaged)) {
            stream.forEach(files::add);
        }
        if (files.size() <= MAX_DAMAGED) {
            return;
        }
        files.sort((a, b) -> {
            try {
                return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
            } catch (IOException e) {
                return 0;
            }
        });
        for (int i = 0; i < files.size() - MAX_DAMAGED; i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Same directory: only exotic file systems get here; a plain rename is still one operation.
            Files.move(from, to);
        }
    }

    /** Makes the rename durable (on Linux a directory can be opened and forced; elsewhere this is a no-op). */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException notSupported) {
            // Windows cannot open a directory; its rename is durable enough for a best-effort spool.
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
        return "Outbox{" + directory + "}";
    }
}
