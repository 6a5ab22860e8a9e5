package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurabilityTest {

    @TempDir Path dir;

    @Test
    void eventsAndIdempotenceSurviveARestartOnTheSameDatabase() {
        Path db = dir.resolve("nested/dir/events.db");
        String run = Events.uuid();
        ArrayNode batch = twentyEvents(run);
        try (InsideLlmCollector first = InsideLlmCollector.builder().port(0).databasePath(db).build()) {
            first.start();
            assertThat(new Api(first.baseUrl()).ingest(batch).json().get("accepted").asInt()).isEqualTo(20);
        }

        try (InsideLlmCollector second = InsideLlmCollector.builder().port(0).databasePath(db).build()) {
            second.start();
            Api api = new Api(second.baseUrl());

            assertThat(api.getJson("/api/v1/runs/" + run).get("events")).hasSize(20);
            Api.Response retry = api.ingest(batch);
            assertThat(retry.json().get("duplicates").asInt()).isEqualTo(20);
            assertThat(retry.json().get("accepted").asInt()).isZero();
            long seqBefore = api.getJson("/api/v1/events?limit=1").get("latest_seq").asLong();
            api.ingest(Events.userInput(run, "u1", Instant.now(), "after restart"));
            assertThat(api.getJson("/api/v1/events?limit=1").get("latest_seq").asLong()).isGreaterThan(seqBefore);
        }
    }

    @Test
    void aDatabaseWithTheEarlierEventsTableIsUpgradedInPlace() throws Exception {
        Path db = dir.resolve("old.db");
        String run = Events.uuid();
        ArrayNode batch = twentyEvents(run);
        try (InsideLlmCollector first = InsideLlmCollector.builder().port(0).databasePath(db).build()) {
            first.start();
            new Api(first.baseUrl()).ingest(batch);
        }
        // Rebuild the events table as earlier builds declared it: event_id UNIQUE, a plain index on ts, search_text.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            String ddl;
            try (ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'events'")) {
                rs.next();
                ddl = rs.getString(1);
            }
            assertThat(ddl).contains("event_id TEXT NOT NULL,");
            st.executeUpdate(ddl.replace("CREATE TABLE events", "CREATE TABLE events_old")
                    .replace("event_id TEXT NOT NULL,", "event_id TEXT NOT NULL UNIQUE,"));
            st.executeUpdate("INSERT INTO events_old SELECT * FROM events");
            st.executeUpdate("DROP TABLE events");
            st.executeUpdate("ALTER TABLE events_old RENAME TO events");
            st.executeUpdate("CREATE INDEX events_ts ON events(ts)");
            st.executeUpdate("CREATE INDEX events_run ON events(run_id, ts)");
            st.executeUpdate("ALTER TABLE events ADD COLUMN search_text TEXT NOT NULL DEFAULT ''");
            assertThat(autoIndexes(st)).isEqualTo(1);
        }

        try (InsideLlmCollector upgraded = InsideLlmCollector.builder().port(0).databasePath(db).build()) {
            upgraded.start();
            Api api = new Api(upgraded.baseUrl());
            assertThat(api.getJson("/api/v1/runs/" + run).get("events")).hasSize(20);
            assertThat(api.ingest(batch).json().get("duplicates").asInt()).isEqualTo(20);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            assertThat(autoIndexes(st)).isZero();
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'search_text'")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    private static ArrayNode twentyEvents(String run) {
        ArrayNode batch = Events.JSON.createArrayNode();
        for (int i = 0; i < 20; i++) {
            batch.add(Events.userInput(run, "u1", Instant.now(), "m" + i));
        }
        return batch;
    }

    private static int autoIndexes(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                + " AND name LIKE 'sqlite_autoindex_events_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void startIsIdempotentAndAClosedCollectorCannotRestart() {
        InsideLlmCollector c = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("x.db")).build();
        int port = c.start();
        assertThat(c.start()).isEqualTo(port);
        c.close();
        c.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class);
    }
}
