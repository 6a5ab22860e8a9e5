package com.insidellm.collector.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies committed WAL frames into the database file off the ingest path: passive checkpoints (which never block the
 * writer or readers) after every {@value #COMMITS_PER_CHECKPOINT} commits and once a second while there were any.
 * Durability does not depend on it: a commit is in the WAL before it is acknowledged. Internal. Thread-safe.
 */
final class Checkpointer {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    /**
     * A checkpoint copies each changed page once, however often commits rewrote it (the right edges of the indexes,
     * every commit): 64 commits between checkpoints took ~10% off the store's CPU per ~1 KB event against 16; 256 was
     * no better (a longer WAL makes every page lookup dearer).
     */
    private static final int COMMITS_PER_CHECKPOINT = 64;

    private final Connection connection;
    private final Thread thread;
    private final AtomicInteger commitsSinceCheckpoint = new AtomicInteger();
    private volatile boolean closing;

    Checkpointer(Connection connection) {
        this.connection = connection;
        this.thread = new Thread(this::loop, "insidellm-collector-checkpoint");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.start();
    }

    /** Called after each commit. */
    void committed() {
        if (commitsSinceCheckpoint.incrementAndGet() >= COMMITS_PER_CHECKPOINT) {
            LockSupport.unpark(thread);
        }
    }

    private void loop() {
        while (!closing) {
            LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
            if (closing || commitsSinceCheckpoint.getAndSet(0) == 0) {
                continue;
            }
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA wal_checkpoint(PASSIVE)");
            } catch (SQLException e) {
                LOG.debug("background checkpoint failed; the writer checkpoints when the WAL grows", e);
            }
        }
    }

    /** Stops the thread (waiting up to 10 s for a checkpoint in progress) and closes its connection. */
    void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SqliteStore.closeQuietly(connection);
    }
}
