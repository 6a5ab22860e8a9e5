package com.insidellm.collector.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves committed events into the trigram-indexed search table (migration V5) off the ingest path: in sequence order,
 * up to {@link #DEFAULT_BATCH_SIZE} events per transaction, advancing the watermark ({@code
 * insidellm_search_state.indexed_seq}) in the same transaction. The watermark row is taken with {@code FOR UPDATE SKIP
 * LOCKED}, so of several instances on one database one indexes at a time and the others skip the round; a restart
 * resumes from the watermark. Searches stay exact meanwhile by scanning the events above the watermark ({@link
 * PgReads}).
 *
 * <p>Why the watermark is safe: ingest transactions commit in sequence order (they serialise on the {@code
 * insidellm_live} row), so the events one statement sees above the watermark are a prefix of all that will ever be
 * committed there, and no event numbered at or below the new watermark can commit later.
 *
 * <p>{@link #start()} runs it on its own thread: batches back to back while there is a backlog and ingest is quiet; while
 * ingest commits, after each full batch a pause {@value #BUSY_PAUSE_FACTOR} times as long as the batch took, so
 * indexing takes at most a tenth of the time from the ingest path that acknowledgements wait for, until the backlog
 * reaches {@value #MAX_YIELDING_BACKLOG} events; after a round that found less than a batch a pause of {@value
 * #PAUSE_MILLIS} ms (so a steady stream is indexed in hundreds of events per transaction, not one request's worth)
 * before it waits for news of a commit.
 * Internal. Thread-safe.
 */
final class PgSearchIndexer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgSearchIndexer.class);

    /**
     * Events per indexing transaction: large, because the trigram index's cost per event falls with bigger inserts
     * and the watermark row is locked only by indexers, never by ingest or searches.
     */
    static final int DEFAULT_BATCH_SIZE = 5000;

    /** Pause after a round that found less than a full batch; bounds the tail that searches scan to this much ingest. */
    static final long PAUSE_MILLIS = 200;
    /**
     * While ingest commits, the pause after a full batch is this many times as long as the batch took: the indexer
     * takes a tenth of the time. Indexing costs PostgreSQL ~150 µs per ~1 KB event (trigram extraction and the GIN
     * insert), several times what storing it costs, so during a burst every share it takes comes out of ingest;
     * measured on two cores: ingest from one SDK reached 12,585 events/s with no indexer, 7,246 with one taking half
     * of the time. The backlog is indexed once ingest pauses, back to back.
     */
    static final long BUSY_PAUSE_FACTOR = 9;
    /**
     * Events not yet indexed beyond which the indexer stops giving way to ingest, bounding what each search scans:
     * ~4 µs per event for a selective term (the raw-text pre-filter in {@link PgReads}), so about a second; a term
     * found in most events pays ~15 µs for each.
     */
    static final long MAX_YIELDING_BACKLOG = 300_000;
    /** Longest wait for news before looking again (another instance's commits may come without news). */
    static final long IDLE_MILLIS = 1000;

    /** SQLSTATE for "no partition of relation found for row". */
    private static final String NO_PARTITION = "23514";

    private static final String INDEX = """
            WITH batch AS (
              SELECT seq, ts, raw FROM events WHERE seq > ? ORDER BY seq LIMIT ?
            ), indexed AS (
              INSERT INTO event_search (seq, ts, search) SELECT seq, ts, insidellm_search_text(raw) FROM batch
            ), moved AS (
              UPDATE insidellm_search_state SET indexed_seq = (SELECT max(seq) FROM batch)
              WHERE id = 1 AND EXISTS (SELECT 1 FROM batch)
            )
            SELECT count(*), coalesce(max(seq), ?) FROM batch""";

    private final DataSource pool;
    private final int batchSize;
    private final SharedSequence sequence;
    private final Object lock = new Object();
    private final Thread thread;
    private volatile long watermark = -1;
    private volatile boolean closed;
    private volatile @Nullable String lastError;

    /** An indexer that indexes when {@link #indexBatch()} is called, and on its thread once {@link #start()}ed. */
    PgSearchIndexer(DataSource pool, int batchSize, SharedSequence sequence) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, but was " + batchSize);
        }
        this.pool = pool;
        this.batchSize = batchSize;
        this.sequence = sequence;
        this.thread = new Thread(this::run, "insidellm-collector-pg-indexer");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("the PostgreSQL search indexer thread failed", e));
    }

    /** Starts indexing in the background. */
    void start() {
        thread.start();
    }

    /** The watermark as last seen by this instance, -1 before the first round. */
    long lastWatermark() {
        return watermark;
    }

    /** The last round's error, null when it succeeded. */
    @Nullable String lastError() {
        return lastError;
    }

    private void run() {
        while (!closed) {
            Round round;
            long startNanos = System.nanoTime();
            long committedBefore = sequence.known();
            try {
                round = indexBatch();
                if (lastError != null) {
                    LOG.info("search indexing works again");
                }
                lastError = null;
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (lastError == null) {
                    LOG.warn("search indexing failed (searches stay exact, scanning the events not yet indexed);"
                            + " retrying every {} ms: {}", IDLE_MILLIS, e.getMessage());
                }
                lastError = String.valueOf(e.getMessage());
                pause(IDLE_MILLIS);
                continue;
            }
            if (round.indexed() >= batchSize) {
                long known = sequence.known();
                if (known > committedBefore && known - round.watermark() < MAX_YIELDING_BACKLOG) {
                    pause(BUSY_PAUSE_FACTOR * (System.nanoTime() - startNanos) / 1_000_000);
                }
                continue;
            }
            pause(PAUSE_MILLIS);
            try {
                // Another instance holds the watermark: wait for news as if caught up with what is known now.
                sequence.awaitAbove(round.indexed() < 0 ? sequence.known() : round.watermark(), IDLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pause(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        synchronized (lock) {
            long left;
            while (!closed && (left = (end - System.nanoTime()) / 1_000_000) > 0) {
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops the thread after its current round (waiting up to 10 s). */
    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What one round did: how many events it indexed, and the watermark after it; -1 events when another held it. */
    record Round(int indexed, long watermark) {}

    /**
     * Indexes the next batch of committed events above the watermark in one transaction, unless another instance is
     * indexing right now ({@link Round#indexed()} is then -1).
     */
    Round indexBatch() throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                Round round = indexBatch(c);
                c.commit();
                if (round.indexed() >= 0) {
                    watermark = round.watermark();
                }
                return round;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                if (e instanceof SQLException sqlError && NO_PARTITION.equals(sqlError.getSQLState())) {
                    // A day whose search partition is missing: create them all, the next round inserts again.
                    c.setAutoCommit(true);
                    Partitions.ensureSearch(c);
                    LOG.info("created missing search partitions");
                    return new Round(0, watermark(c));
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private Round indexBatch(Connection c) throws SQLException {
        long watermark;
        try (Statement st = c.createStatement()) {
            // The index is derived data: losing the last rounds in a crash only means indexing them again, in the
            // same transaction as the watermark, so this commit need not wait for its WAL flush.
            st.execute("SET LOCAL synchronous_commit = off");
            try (ResultSet rs = st.executeQuery(
                    "SELECT indexed_seq FROM insidellm_search_state WHERE id = 1 FOR UPDATE SKIP LOCKED")) {
                if (!rs.next()) {
                    return new Round(-1, 0);
                }
                watermark = rs.getLong(1);
            }
        }
        try (PreparedStatement st = c.prepareStatement(INDEX)) {
            st.setLong(1, watermark);
            st.setInt(2, batchSize);
            st.setLong(3, watermark);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return new Round(rs.getInt(1), rs.getLong(2));
            }
        }
    }

    /** The watermark: every event numbered at or below it is in the search table or gone. */
    static long watermark(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT indexed_seq FROM insidellm_search_state WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
