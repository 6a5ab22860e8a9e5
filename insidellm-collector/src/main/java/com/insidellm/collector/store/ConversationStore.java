package com.insidellm.collector.store;

import java.util.List;

/**
 * Where the gateway keeps its conversation threading, so conversations continue in the same run across restarts: the
 * remembered conversation fingerprints with their runs, and the runs the gateway opened and has not ended yet. Small
 * on purpose, so every {@link Store} can keep it (two small tables in SQLite and in PostgreSQL). Internal.
 * Implementations are thread-safe; {@link #save} is one transaction.
 */
public interface ConversationStore {

    /** A conversation fingerprint and the run it belongs to; {@code atMicros} is when it was last seen. */
    record Thread(String fingerprint, String runId, long atMicros) {}

    /** A run the gateway opened and has not ended: its user, start and last activity, in microseconds. */
    record OpenRun(String runId, String userId, long startedMicros, long lastMicros) {}

    /** The most recently seen fingerprints, at most {@code limit}, newest first: the in-memory index at start. */
    List<Thread> recentThreads(int limit);

    /** Every open run. */
    List<OpenRun> openRuns();

    /**
     * Remembers {@code threads} (a fingerprint seen again moves to its newer run), upserts {@code open} runs and
     * forgets {@code ended} ones, in one transaction. Failures are the caller's to log: threading is best effort and
     * must never stop recording.
     *
     * @throws StoreException if the write failed
     */
    void save(List<Thread> threads, List<OpenRun> open, List<String> ended);

    /** Keeps nothing: threading then lasts as long as the process. For stores that cannot keep it (yet). */
    ConversationStore NONE = new ConversationStore() {
        @Override
        public List<Thread> recentThreads(int limit) {
            return List.of();
        }

        @Override
        public List<OpenRun> openRuns() {
            return List.of();
        }

        @Override
        public void save(List<Thread> threads, List<OpenRun> open, List<String> ended) {
            // nothing kept
        }
    };
}
