package com.insidellm.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.proxy.DatasetExport;
import com.insidellm.collector.query.Params;
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
 * as {@code GET /api/v1/export}. Internal.
 */
final class Export {

    private Export() {}

    /** Writes the calls matching {@code filters} ({@code from, to, model, user, run}) to {@code file}; returns the count. */
    static long run(Path database, Path file, Map<String, String> filters) throws IOException {
        if (!Files.exists(database)) {
            throw new IOException("no database at " + database);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (SqliteStore store = new SqliteStore(database, null, false, Clock.systemUTC());
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            return DatasetExport.write(store, DatasetExport.filter(Params.of(filters)), new ObjectMapper(), out);
        }
    }
}
