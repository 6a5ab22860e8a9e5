package com.insidellm.threading;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The remembered fingerprints of {@link ConversationThreads} and the runs they lead to: an LRU of {@code capacity}
 * entries, with the runs seen, optionally kept in a {@link ThreadingFile}. Apart from the threading rules (what is
 * fingerprinted, when) because it is only storage. Thread-safe: one lock.
 */
final class FingerprintIndex {

    private final Object lock = new Object();
    private final int capacity;
    private final LinkedHashMap<String, String> runsByFingerprint;
    private final LinkedHashMap<String, Boolean> seenRuns;
    private final @Nullable ThreadingFile file;

    FingerprintIndex(int capacity, @Nullable Path path) {
        this.capacity = capacity;
        this.runsByFingerprint = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > FingerprintIndex.this.capacity;
            }
        };
        this.seenRuns = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > FingerprintIndex.this.capacity;
            }
        };
        this.file = path == null ? null : new ThreadingFile(path);
        if (file != null) {
            int lines = file.load((fingerprint, runId) -> {
                runsByFingerprint.put(fingerprint, runId);
                seenRuns.put(runId, Boolean.TRUE);
            });
            if (lines > 2L * capacity) {
                file.compact(runsByFingerprint);
            }
        }
    }

    /** The run of the longest of the first {@code count} keys that is remembered, or {@code null}. */
    @Nullable String longest(String[] keys, int count) {
        synchronized (lock) {
            for (int length = count; length >= 1; length--) {
                String run = runsByFingerprint.get(keys[length - 1]);
                if (run != null) {
                    return run;
                }
            }
        }
        return null;
    }

    /** Remembers {@code fingerprint} for {@code runId}, appending it to the file when it is new there. */
    void put(String fingerprint, String runId) {
        synchronized (lock) {
            if (runId.equals(runsByFingerprint.put(fingerprint, runId))) {
                return;
            }
            if (file != null) {
                file.append(fingerprint, runId);
            }
        }
    }

    boolean markRunSeen(String runId) {
        synchronized (lock) {
            return seenRuns.put(Objects.requireNonNull(runId, "runId"), Boolean.TRUE) == null;
        }
    }

    int size() {
        synchronized (lock) {
            return runsByFingerprint.size();
        }
    }

    void close() {
        synchronized (lock) {
            if (file != null) {
                file.close();
            }
        }
    }
}
