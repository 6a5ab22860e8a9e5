package com.insidellm.collector.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.ingest.EventValidator;
import com.insidellm.collector.store.StoredEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    private static StoredEvent event(String run, Instant at) throws Exception {
        String raw = "{\"event_id\":\"" + UUID.randomUUID() + "\",\"run_id\":\"" + run + "\",\"timestamp\":\"" + at
                + "\",\"event_type\":\"user.input\",\"user_id\":\"u\",\"payload\":{\"input_text\":\"x\"}}";
        return new EventValidator().validate(JSON.readTree(raw), raw).event();
    }

    private static long count(SqliteStore store, String sql) {
        return store.count(sql);
    }

    @Test
    void deletesEventsAndRunsOlderThanTheRetentionAndNeverReusesSequenceNumbers() throws Exception {
        Instant now = Instant.parse("2025-06-30T12:00:00Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        String oldRun = UUID.randomUUID().toString();
        String newRun = UUID.randomUUID().toString();
        Path db = dir.resolve("r.db");
        long lastSeq;
        try (SqliteStore store = new SqliteStore(db, Duration.ofDays(7), false, clock)) {
            // The newest sequence numbers go to old events, so the clean-up deletes the highest ones.
            store.write(List.of(event(newRun, now.minus(Duration.ofDays(1))), event(oldRun, now.minus(Duration.ofDays(10))),
                    event(oldRun, now.minus(Duration.ofDays(9))), event(newRun, now.minus(Duration.ofDays(8)))));
            lastSeq = store.committedSeq();

            store.applyRetention();

            assertThat(count(store, "SELECT count(*) FROM events")).isEqualTo(1);
            assertThat(count(store, "SELECT count(*) FROM runs")).isEqualTo(1);
            assertThat(count(store, "SELECT count(*) FROM runs WHERE run_id = '" + newRun + "'")).isEqualTo(1);
        }
        try (SqliteStore store = new SqliteStore(db, null, false, clock)) {
            store.write(List.of(event(newRun, now)));
            assertThat(store.committedSeq()).isGreaterThan(lastSeq);
        }
    }
}
