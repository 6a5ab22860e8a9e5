package com.insidellm.threading;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file that keeps {@link ConversationThreads}' fingerprints across restarts: {@code fingerprint<TAB>runId} lines,
 * appended as conversations are remembered, read back at start. Hashes and run ids only, never message text. Not
 * thread-safe: {@link ConversationThreads} calls it under its lock.
 */
final class ThreadingFile {

    private static final Logger log = LoggerFactory.getLogger(ThreadingFile.class);

    private final Path path;
    private @Nullable BufferedWriter writer;

    ThreadingFile(Path path) {
        this.path = path;
    }

    /** Reads every line into {@code entry}; returns how many lines it held. A missing or unreadable file is empty. */
    int load(BiConsumer<String, String> entry) {
        int lines = 0;
        if (Files.exists(path)) {
            try {
                for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                    int tab = line.indexOf('\t');
                    if (tab > 0 && tab < line.length() - 1) {
                        entry.accept(line.substring(0, tab), line.substring(tab + 1));
                        lines++;
                    }
                }
            } catch (IOException e) {
                log.warn("Could not read the conversation threading file {}; starting empty: {}", path, e.toString());
            }
        }
        return lines;
    }

    /** Rewrites the file with only {@code entries} (atomically: a temporary file moved over it). */
    void compact(Map<String, String> entries) {
        try {
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, String> entry : entries.entrySet()) {
                    out.write(entry.getKey() + '\t' + entry.getValue() + '\n');
                }
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Could not compact the conversation threading file {}: {}", path, e.toString());
        }
    }

    /** Appends one fingerprint; opens the file on first use. A failure loses that line only. */
    void append(String fingerprint, String runId) {
        try {
            if (writer == null) {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            writer.write(fingerprint + '\t' + runId + '\n');
            writer.flush();
        } catch (IOException e) {
            log.debug("Could not persist a conversation fingerprint to {}", path, e);
        }
    }

    /** Closes the file; the next append reopens it. */
    void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                log.debug("Could not close the conversation threading file {}", path, e);
            }
            writer = null;
        }
    }
}
