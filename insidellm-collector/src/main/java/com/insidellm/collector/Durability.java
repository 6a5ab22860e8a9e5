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
     * faster, because a commit does not wait for the disk.
     */
    PROCESS_CRASH,

    /**
     * Also survives an operating-system crash or power cut: every commit is flushed to the disk ({@code fsync},
     * SQLite {@code synchronous=FULL}) before the answer. Concurrent requests share one flush, but a single sender
     * waits for the disk on every batch.
     */
    POWER_LOSS
}
