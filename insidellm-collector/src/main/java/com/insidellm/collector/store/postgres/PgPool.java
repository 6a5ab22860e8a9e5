package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.StoreException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The collector's HikariCP pool on PostgreSQL: its size, the session settings every connection starts with, and the
 * driver's properties. Internal. Stateless.
 */
final class PgPool {

    private PgPool() {}

    /**
     * Opens a pool of up to {@code size} connections to {@code url}; with {@code fsyncEachCommit} false the sessions
     * run with {@code synchronous_commit = off} (see {@link PostgresStore}'s constructor).
     *
     * @throws StoreException if the database cannot be reached (the message never holds the password)
     */
    static HikariDataSource open(PostgresUrl url, int size, boolean fsyncEachCommit) {
        HikariConfig config = new HikariConfig();
        if (!fsyncEachCommit) {
            // Per session, so the server's own setting and other applications on the database are left alone.
            config.setConnectionInitSql("SET synchronous_commit = off");
        }
        config.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            config.setUsername(url.user());
        }
        if (url.password() != null) {
            config.setPassword(url.password());
        }
        config.setPoolName("insidellm-collector-pg");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        config.setConnectionTimeout(10_000);
        // Fail at start with the database's own message instead of a pool that never fills.
        config.setInitializationFailTimeout(10_000);
        config.addDataSourceProperty("ApplicationName", "insidellm-collector");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            // Hikari wraps the driver's exception; its message names the URL but never the password.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new StoreException("cannot connect to the PostgreSQL database " + url + ": " + cause.getMessage(), e);
        }
    }
}
