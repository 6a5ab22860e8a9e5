package com.insidellm.collector.store;

import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;

/** The store contract against a real PostgreSQL server: a fresh database per test. */
class PostgresStoreContractTest extends StoreContractTest {

    private String url;

    @BeforeEach
    void newDatabase() {
        url = PostgresServer.shared().newDatabase();
    }

    @Override
    protected Store open(@Nullable Duration retention, Clock clock) {
        return new PostgresStore(PostgresUrl.parse(url, null), null, retention, clock);
    }
}
