package com.insidellm.collector.store;

import com.insidellm.collector.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against SQLite: a fresh database file per test. */
class SqliteStoreContractTest extends StoreContractTest {

    @TempDir Path dir;

    @Override
    protected Store open(@Nullable Duration retention, Clock clock) {
        return new SqliteStore(dir.resolve("contract.db"), retention, false, clock);
    }
}
