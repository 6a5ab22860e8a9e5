package com.insidellm.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.proxy.DatasetExport;
import com.insidellm.collector.query.Params;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * {@code --export FILE}: the {@code openai-chat} dataset written from the database without serving, the same lines
 * as {@code GET /api/v1/export}, from any {@link Store} ({@link InsideLlmCollector#export} opens the configured one).
 * Internal.
 */
final class Export {

    private Export() {}

    /** Opens the database of {@code config} (SQLite or PostgreSQL) and exports from it; see {@link #run(Store, Path, Map)}. */
    static long run(Collector.Settings config, Path file, Map<String, String> filters) throws IOException {
        PostgresUrl postgres = config.postgres();
        if (postgres != null) {
            try (Store store = new PostgresStore(postgres, null, null, true, Clock.systemUTC())) {
                return run(store, file, filters);
            }
        }
        if (!Files.exists(config.database())) {
            throw new IOException("no database at " + config.database());
        }
        try (Store store = new SqliteStore(config.database(), null, false, Clock.systemUTC())) {
            return run(store, file, filters);
        }
    }

    /** Writes the calls matching {@code filters} ({@code from, to, model, user, run}) to {@code file}; returns the count. */
    static long run(Store store, Path file, Map<String, String> filters) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            return DatasetExport.write(store, DatasetExport.filter(Params.of(filters)), new ObjectMapper(), out);
        }
    }
}
