package com.insidellm.collector.store;

import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.postgres.PgTestStores;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store contract against a real PostgreSQL server: a fresh database per test, the search index moved only by
 * {@link #indexSearch(Store)}, so searches are checked first on the scan of events not yet indexed, then on the index.
 */
class PostgresStoreContractTest extends StoreContractTest {

    private String url;

    @BeforeEach
    void newDatabase() {
        url = PostgresServer.shared().newDatabase();
    }

    @Override
    protected Store open(@Nullable Duration retention, Clock clock) {
        return PgTestStores.withoutBackgroundIndexing(url, retention, clock);
    }

    @Override
    protected void indexSearch(Store store) {
        PgTestStores.indexAll(store);
    }
}
