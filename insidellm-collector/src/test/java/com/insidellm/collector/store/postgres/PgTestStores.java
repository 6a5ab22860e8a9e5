package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** PostgreSQL stores for tests in other packages: the search index moved by the test, not in the background. */
public final class PgTestStores {

    private PgTestStores() {}

    /** A store on {@code jdbcUrl} whose search index moves only in {@link #indexAll(Store)}. */
    public static PostgresStore withoutBackgroundIndexing(String jdbcUrl, @Nullable Duration retention, Clock clock) {
        return new PostgresStore(PostgresUrl.parse(jdbcUrl, null), null, retention, true, clock,
                PgSearchIndexer.DEFAULT_BATCH_SIZE, false);
    }

    /** Indexes every committed event of {@code store}'s database; returns the watermark. */
    public static long indexAll(Store store) {
        PgSearchIndexer indexer = ((PostgresStore) store).searchIndexer();
        try {
            PgSearchIndexer.Round round;
            do {
                round = indexer.indexBatch();
            } while (round.indexed() != 0);
            return round.watermark();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The watermark stored in {@code store}'s database. */
    static long watermark(PostgresStore store) {
        try (Connection c = store.pool().getConnection()) {
            return PgSearchIndexer.watermark(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
