package com.insidellm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events as JSON lines, one file per UTC day and run: {@code <directory>/<yyyy-MM-dd>/<run id>.jsonl}. Each
 * line is one event's wire JSON, exactly as the ingestion API would receive it.
 *
 * <p>Each line goes to the file in a single append of the JSON and its newline, so a crash can at worst leave the
 * last line incomplete; before appending to a file that does not end in a newline, the exporter ends the broken line
 * first, so every later line is whole. At most {@value #MAX_OPEN_FILES} files are open at once (least recently used
 * ones are closed), and files idle for {@link #IDLE_CLOSE_NANOS 30 seconds} are closed; a file is synced to the disk
 * ({@code fsync}) when it is closed, and on {@link #close()}. A batch that failed part-way
 * and is retried does not write its first events twice. Used by the client's sender thread only; guarded by a lock for
 * {@link #close()} and {@link #flush()}.
 */
final class LocalFileExporter implements EventExporter {

    private static final Logger log = LoggerFactory.getLogger(LocalFileExporter.class);
    static final int MAX_OPEN_FILES = 16;
    static final long IDLE_CLOSE_NANOS = 30_000_000_000L;

    private final Path directory;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private final LinkedHashMap<Path, OpenFile> open = new LinkedHashMap<>(16, 0.75f, true);
    /** The last batch that failed part-way and how many of its events were written, to skip them on retry. */
    private @Nullable EventBatch partialBatch;
    private int partialWritten;
    private boolean closed;

    private LocalFileExporter(Path directory, LongSupplier nanoTime) {
        this.directory = directory;
        this.nanoTime = nanoTime;
    }

    static EventExporter create(Path directory) {
        return new LocalFileExporter(Objects.requireNonNull(directory, "directory").toAbsolutePath(),
                System::nanoTime);
    }

    static LocalFileExporter create(Path directory, LongSupplier nanoTime) {
        return new LocalFileExporter(directory.toAbsolutePath(), nanoTime);
    }

    /** The file an event goes to. */
    static Path fileFor(Path directory, Event event) {
        LocalDate day = LocalDate.ofInstant(event.timestamp(), ZoneOffset.UTC);
        return directory.resolve(day.toString()).resolve(event.runId() + ".jsonl");
    }

    @Override
    public ExportResult export(EventBatch batch) {
        synchronized (lock) {
            if (closed) {
                return ExportResult.rejected("local-files exporter is closed");
            }
            int from = batch == partialBatch ? partialWritten : 0;
            partialBatch = null;
            long now = nanoTime.getAsLong();
            for (int i = from; i < batch.size(); i++) {
                Path file = fileFor(directory, batch.events().get(i));
                try {
                    OpenFile target = open(file, now);
                    writeLine(target.channel, batch.eventJson(i));
                    target.lastUsedNanos = now;
                } catch (IOException | RuntimeException e) {
                    partialBatch = batch;
                    partialWritten = i;
                    closeQuietly(file);
                    return ExportResult.retryable("cannot write " + file + ": " + e, null);
                }
            }
            closeIdle(now);
            return ExportResult.success();
        }
    }

    private OpenFile open(Path file, long now) throws IOException {
        OpenFile existing = open.get(file);
        if (existing != null) {
            return existing;
        }
        if (open.size() >= MAX_OPEN_FILES) {
            Iterator<Map.Entry<Path, OpenFile>> eldest = open.entrySet().iterator();
            Map.Entry<Path, OpenFile> entry = eldest.next();
            eldest.remove();
            closeChannel(entry.getKey(), entry.getValue().channel);
        }
        Files.createDirectories(file.getParent());
        boolean endLine = endsWithBrokenLine(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (endLine) {
            try {
                log.debug("InsideLLM local file did not end with a newline (an interrupted write); ending the line");
                writeFully(channel, ByteBuffer.wrap(new byte[] {'\n'}));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        OpenFile opened = new OpenFile(channel, now);
        open.put(file, opened);
        return opened;
    }

    /** Whether a crash left the file's last line without its newline, so the next line must end it first. */
    private static boolean endsWithBrokenLine(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = reader.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            reader.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    private static void writeLine(FileChannel channel, byte[] json) throws IOException {
        ByteBuffer line = ByteBuffer.allocate(json.length + 1);
        line.put(json).put((byte) '\n').flip();
        writeFully(channel, line);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void closeIdle(long now) {
        Iterator<Map.Entry<Path, OpenFile>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Path, OpenFile> entry = it.next();
            if (now - entry.getValue().lastUsedNanos >= IDLE_CLOSE_NANOS) {
                it.remove();
                closeChannel(entry.getKey(), entry.getValue().channel);
            }
        }
    }

    private void closeQuietly(Path file) {
        OpenFile target = open.remove(file);
        if (target != null) {
            closeChannel(file, target.channel);
        }
    }

    /** Syncs the file to the disk, then closes it: an idle, evicted or final file survives a power loss too. */
    private static void closeChannel(Path file, FileChannel channel) {
        try {
            channel.force(false);
        } catch (IOException e) {
            log.debug("InsideLLM: syncing {} failed: {}", file, e.toString());
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("InsideLLM: closing {} failed: {}", file, e.toString());
        }
    }

    /** The number of files open now, for tests. */
    int openFiles() {
        synchronized (lock) {
            return open.size();
        }
    }

    @Override
    public String name() {
        return "local-files";
    }

    /** Syncs every open file to the disk, so that what the client flushed survives a power loss. */
    @Override
    public ExportResult flush() {
        synchronized (lock) {
            for (Map.Entry<Path, OpenFile> entry : open.entrySet()) {
                try {
                    entry.getValue().channel.force(false);
                } catch (IOException e) {
                    return ExportResult.retryable("syncing " + entry.getKey() + " failed: " + e, null);
                }
            }
        }
        return ExportResult.success();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            for (Map.Entry<Path, OpenFile> entry : open.entrySet()) {
                closeChannel(entry.getKey(), entry.getValue().channel);
            }
            open.clear();
        }
    }

    @Override
    public String toString() {
        return "LocalFileExporter{directory=" + directory + "}";
    }

    private static final class OpenFile {
        final FileChannel channel;
        long lastUsedNanos;

        OpenFile(FileChannel channel, long lastUsedNanos) {
            this.channel = channel;
            this.lastUsedNanos = lastUsedNanos;
        }
    }
}
