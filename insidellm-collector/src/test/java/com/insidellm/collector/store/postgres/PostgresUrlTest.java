package com.insidellm.collector.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {

    @Test
    void splitsALibpqStyleUrlIntoAJdbcUrlAUserAndAPasswordThatIsNeverPrinted() {
        PostgresUrl url = PostgresUrl.parse("postgresql://ins%40ight:s3cr%3At@db.internal:5433/events?sslmode=require",
                null);

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/events?sslmode=require");
        assertThat(url.user()).isEqualTo("ins@ight");
        assertThat(url.password()).isEqualTo("s3cr:t");
        assertThat(url.toString()).doesNotContain("s3cr").contains("db.internal:5433/events");
    }

    @Test
    void takesUserAndPasswordFromAJdbcUrlsQueryAndLetsTheEnvironmentsPasswordWin() {
        PostgresUrl url = PostgresUrl.parse("jdbc:postgresql://127.0.0.1/insidellm?user=app&password=inurl&ssl=true",
                "fromenv");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1/insidellm?ssl=true");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.password()).isEqualTo("fromenv");
    }

    @Test
    void tellsPostgresUrlsFromSqliteFilesAndRejectsOneWithoutADatabaseWithoutShowingThePassword() {
        assertThat(PostgresUrl.isPostgres("postgres://h/db")).isTrue();
        assertThat(PostgresUrl.isPostgres("JDBC:POSTGRESQL://h/db")).isTrue();
        assertThat(PostgresUrl.isPostgres("/var/lib/insidellm/collector.db")).isFalse();
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://u:hunter2@host:5432", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database name")
                .hasMessageNotContaining("hunter2");
    }
}
