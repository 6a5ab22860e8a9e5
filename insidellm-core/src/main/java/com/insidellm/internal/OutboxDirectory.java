package com.insidellm.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Outbox}'s directory: lists its batch files, writes one crash-safely, clears what dead writers left, and
 * moves damaged files aside. Knows nothing of bounds or claims. Internal: not part of the public API.
 *
 * <p>A batch is written to a hidden temporary file, forced to disk, and renamed atomically to its final name, then
 * the directory is forced: a file is either complete or absent, whenever the process dies. Thread-safe (every
 * operation is one file-system call or a sequence another process could interleave with anyway).
 */
final class OutboxDirectory {

    private static final Logger log = LoggerFactory.getLogger(OutboxDirectory.class);

    static final String DAMAGED = "damaged";
    /** Damaged files kept for inspection; older ones are deleted. */
    private static final int MAX_DAMAGED = 20;
    /** A temporary file this old was left by a process that died while writing it. */
    private static final Duration STALE_TEMP = Duration.ofHours(1);

    private final Path directory;

    /**
     * Opens (creating it if needed) {@code directory}.
     *
     * @throws IOException if the directory cannot be created or is not writable
     */
    OutboxDirectory(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
        if (!Files.isWritable(directory)) {
            throw new IOException("outbox directory " + directory + " is not writable");
        }
    }

    Path path() {
        return directory;
    }

    /** The batch files, oldest first (the names start with the zero-padded time of writing). */
    List<Path> list() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + OutboxFormat.SUFFIX)) {
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

    /** Whether no batch file is there (cheap: stops at the first name). */
    boolean isEmpty() {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + OutboxFormat.SUFFIX)) {
            return !stream.iterator().hasNext();
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Writes {@code content} as {@code name}: to a temporary file, forced, renamed atomically, then the directory
     * forced. Returns the file.
     *
     * @throws IOException if it could not be written; then nothing is left behind
     */
    Path writeDurably(String name, byte[] content) throws IOException {
        Path temp = directory.resolve(OutboxFormat.TEMP_PREFIX + name);
        Path target = directory.resolve(name);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            move(temp, target);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        forceDirectory();
        return target;
    }

    /** Deletes temporary files a process that died while writing left more than an hour ago. */
    void cleanStaleTemporaries(long nowMillis) {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, OutboxFormat.TEMP_PREFIX + "*")) {
            for (Path temp : stream) {
                if (nowMillis - Files.getLastModifiedTime(temp).toMillis() > STALE_TEMP.toMillis()) {
                    Files.deleteIfExists(temp);
                }
            }
        } catch (IOException e) {
            log.debug("Cannot clean the outbox's temporary files: {}", e.toString());
        }
    }

    /**
     * Moves a file that does not check out to {@code damaged/} with one WARN (keeping the newest
     * {@value #MAX_DAMAGED}), or deletes it if it cannot be moved. The caller holds its claim.
     */
    void moveAside(Path file) {
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

    @Override
    public String toString() {
        return directory.toString();
    }
}
