package com.insidellm.collector.store;

import com.insidellm.collector.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** The conversation-threading contract against SQLite: a fresh database file per test. */
class SqliteConversationStoreContractTest extends ConversationStoreContractTest {

    @TempDir Path dir;

    @Override
    protected Store open() {
        return new SqliteStore(dir.resolve("threads.db"), null, false, Clock.systemUTC());
    }
}
