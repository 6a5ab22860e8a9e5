package com.insidellm.collector;

/**
 * What an acknowledged event survives. Either way an event is acknowledged only after its transaction has committed
 * to the write-ahead log; the difference is whether the commit also waits for the disk.
 */
public enum Durability {

    /**
     * The default. Survives the collector being killed at any moment ({@code kill -9}, crash): the commit is in the
     * write-ahead log in the operating system's file cache before the answer goes out (SQLite WAL with
     * {@code synchronous=NORMAL}). An operating-system crash or power cut can lose the last commits. Several times
     * faster, because a commit does not wait for the disk. On PostgreSQL the collector's sessions use
     * {@code synchronous_commit = off}: the commit is in the server's write-ahead log buffers before the answer, so a
     * crash of the PostgreSQL server or its machine can also lose its last commits (up to {@code 3 × wal_writer_delay},
     * 600 ms by default); the database is never left inconsistent.
     */
    PROCESS_CRASH,

    /**
     * Also survives an operating-system crash or power cut: every commit is flushed to the disk ({@code fsync},
     * SQLite {@code synchronous=FULL}, PostgreSQL {@code synchronous_commit = on}) before the answer. Concurrent requests share one flush, but a single sender
     * waits for the disk on every batch.
     */
    POWER_LOSS
}
