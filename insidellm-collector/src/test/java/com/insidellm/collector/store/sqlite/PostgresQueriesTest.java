package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import java.time.Clock;

/**
 * {@link SqliteQueriesTest}'s reads and aggregates for the query API, against a real PostgreSQL (a fresh database
 * per test), so both stores answer them the same. Kept beside the SQLite test it extends.
 */
class PostgresQueriesTest extends SqliteQueriesTest {

    @Override
    Store newStore() {
        return new PostgresStore(PostgresUrl.parse(PostgresServer.shared().newDatabase(), null), null, null,
                true, Clock.systemUTC());
    }

    /** SQLite's upgrade of an earlier file; PostgreSQL's schema moves by its versioned migrations instead. */
    @Override
    void upgradesADatabaseWrittenByAnEarlierBuild() {
        // not a test here: no @Test on the override
    }
}
