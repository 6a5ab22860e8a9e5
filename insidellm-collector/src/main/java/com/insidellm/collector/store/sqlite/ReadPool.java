package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A small pool of read-only connections, which WAL lets run alongside the writer. Internal. Thread-safe. */
final class ReadPool {

    /** Work done with a borrowed read connection. */
    @FunctionalInterface
    interface ReadWork<T> {
        /** Runs the queries. */
        T apply(Connection connection) throws SQLException;
    }

    private final BlockingQueue<Connection> connections;

    ReadPool(BlockingQueue<Connection> connections) {
        this.connections = connections;
    }

    static ReadPool open(java.nio.file.Path path, int size, boolean fsyncEachCommit) throws SQLException {
        BlockingQueue<Connection> connections = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            connections.add(SqliteSchema.open(path, true, fsyncEachCommit));
        }
        return new ReadPool(connections);
    }

    /** Runs {@code work} on a pooled connection; a database failure becomes a {@link StoreException}. */
    <T> T read(ReadWork<T> work) {
        Connection c;
        try {
            c = connections.poll(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a read connection", e);
        }
        if (c == null) {
            throw new StoreException("no read connection free after 10 s");
        }
        try {
            return work.apply(c);
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        } finally {
            connections.add(c);
        }
    }

    void close() {
        Connection c;
        while ((c = connections.poll()) != null) {
            SqliteStore.closeQuietly(c);
        }
    }
}
