package com.insidellm.collector.store;

import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;

/** The conversation-threading contract against a real PostgreSQL server: a fresh database per test. */
class PostgresConversationStoreContractTest extends ConversationStoreContractTest {

    private String url;

    @BeforeEach
    void newDatabase() {
        url = PostgresServer.shared().newDatabase();
    }

    @Override
    protected Store open() {
        return new PostgresStore(PostgresUrl.parse(url, null), null, null, Clock.systemUTC());
    }
}
