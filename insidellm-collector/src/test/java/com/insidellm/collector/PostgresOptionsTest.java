package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line and environment for the PostgreSQL store and the Redis fan-out. */
class PostgresOptionsTest {

    @Test
    void aPostgresUrlInDbSelectsPostgresWithThePasswordFromTheEnvironmentNeverShown() {
        CollectorMain.Options o = CollectorMain.parse(new String[] {"--db", "postgresql://insidellm@db:5432/events",
            "--redis", "redis://cache:6379", "--migrate-only"}, Map.of("INSIDELLM_COLLECTOR_DB_PASSWORD", "hunter2"));

        assertThat(o.migrateOnly()).isTrue();
        String where = o.builder().build().databaseDescription();
        assertThat(where).contains("jdbc:postgresql://db:5432/events").contains("insidellm").doesNotContain("hunter2");
    }

    @Test
    void readsTheDatabaseAndRedisFromTheEnvironment() {
        CollectorMain.Options o = CollectorMain.parse(new String[0], Map.of("INSIDELLM_COLLECTOR_DB",
                "jdbc:postgresql://db/events?user=app", "INSIDELLM_COLLECTOR_REDIS", "redis://cache:6379"));

        assertThat(o.migrateOnly()).isFalse();
        assertThat(o.builder().build().databaseDescription()).isEqualTo("jdbc:postgresql://db/events (user app)");
    }

    @Test
    void refusesRedisWithoutPostgresAndMigrateOnlyOnSqlite() {
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--db", "events.db", "--redis", "redis://c:6379"},
                Map.of()).builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgreSQL");
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--redis", "http://c:6379"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis://host:6379");
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--db", "events.db", "--migrate-only"}, Map.of())
                .builder().build().migrateOnly()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--migrate-only needs a PostgreSQL database");
    }
}
