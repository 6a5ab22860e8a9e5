package com.insidellm.collector.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.collector.servers.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The collector's durability setting reaches PostgreSQL: {@code --durability process} (the default) runs the
 * collector's sessions with {@code synchronous_commit = off}, {@code power} leaves every commit waiting for its WAL
 * flush. Each pool connection is asked, since each session carries its own setting.
 */
class PgDurabilityTest {

    @Test
    void processDurabilityDoesNotWaitForTheDiskOnCommit() throws SQLException {
        assertThat(sessionSettings(false)).containsOnly("off");
    }

    @Test
    void powerDurabilityWaitsForTheDiskOnEveryCommit() throws SQLException {
        assertThat(sessionSettings(true)).containsOnly("on");
    }

    private static List<String> sessionSettings(boolean fsyncEachCommit) throws SQLException {
        String url = PostgresServer.shared().newDatabase();
        try (PostgresStore store = new PostgresStore(PostgresUrl.parse(url, null), null, null, fsyncEachCommit,
                Clock.systemUTC())) {
            return settingsOfEveryConnection(store);
        }
    }

    /** {@code synchronous_commit} as seen by as many pool connections as the pool holds, all taken at once. */
    private static List<String> settingsOfEveryConnection(PostgresStore store) throws SQLException {
        List<Connection> held = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        try {
            // Leave room for the store's own background threads (writer, indexer, poller), which take connections too.
            for (int i = 0; i < PostgresStore.DEFAULT_POOL_SIZE - 4; i++) {
                Connection c = store.pool().getConnection();
                held.add(c);
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
                    rs.next();
                    settings.add(rs.getString(1));
                }
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertThat(settings).hasSize(PostgresStore.DEFAULT_POOL_SIZE - 4);
        return settings;
    }
}
