package com.insidellm.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.collector.store.ConversationStore.Thread;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The conversation-threading contract against SQLite: a fresh database file per test. */
class SqliteConversationStoreContractTest extends ConversationStoreContractTest {

    @TempDir Path dir;

    @Override
    protected Store open() {
        return new SqliteStore(dir.resolve("threads.db"), null, false, Clock.systemUTC());
    }

    @Test
    void fingerprintsOfADatabaseThatKeyedThemByFingerprintAreKeptAndStillMoveToNewerRuns() throws Exception {
        // The table as builds before the log wrote it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("threads.db"));
                Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE conversation_threads (fingerprint TEXT PRIMARY KEY, run_id TEXT NOT NULL,"
                    + " seen INTEGER NOT NULL) WITHOUT ROWID");
            st.executeUpdate("CREATE INDEX conversation_threads_seen ON conversation_threads(seen)");
            st.executeUpdate("INSERT INTO conversation_threads VALUES ('fp-b', 'run-1', 2000), ('fp-a', 'run-1', 1000)");
        }
        Store store = open();
        try {
            ConversationStore threads = store.conversations();
            assertThat(threads.recentThreads(10)).containsExactly(new Thread("fp-b", "run-1", 2_000),
                    new Thread("fp-a", "run-1", 1_000));

            threads.save(List.of(new Thread("fp-a", "run-2", 3_000)), List.of(), List.of());

            assertThat(threads.recentThreads(10)).containsExactly(new Thread("fp-a", "run-2", 3_000),
                    new Thread("fp-b", "run-1", 2_000));
        } finally {
            store.close();
        }
    }
}
