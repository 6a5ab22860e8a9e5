package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorMainTest {

    @TempDir Path dir;

    @Test
    void commandLineOptionsConfigureTheCollector() {
        CollectorMain.Options o = CollectorMain.parse(new String[] {"--port", "0", "--bind=127.0.0.1", "--db",
                dir.resolve("cli.db").toString(), "--retention-days", "7", "--api-key", "key-one-123", "--api-key",
                "key-two-456", "--durability", "power", "--import", "events/"}, Map.of());

        assertThat(o.help()).isFalse();
        assertThat(o.imports()).containsExactly(Path.of("events/"));
        try (InsideLlmCollector c = o.builder().build()) {
            c.start();
            assertThat(c.databasePath()).isEqualTo(dir.resolve("cli.db"));
            Api api = new Api(c.baseUrl());
            assertThat(api.ingest("[]", "Authorization", "Bearer key-two-456").status()).isEqualTo(200);
            assertThat(api.ingest("[]", "Authorization", "Bearer key-three").status()).isEqualTo(401);
        }
    }

    @Test
    void environmentVariablesAreAlternativesAndTheCommandLineWins() {
        Map<String, String> env = Map.of("INSIDELLM_COLLECTOR_PORT", "1", "INSIDELLM_COLLECTOR_DB",
                dir.resolve("env.db").toString(), "INSIDELLM_COLLECTOR_API_KEYS", "env-key-123, env-key-456",
                "INSIDELLM_COLLECTOR_VIEWER_TOKEN", "viewer-token-1");

        CollectorMain.Options o = CollectorMain.parse(new String[] {"--port", "0"}, env);

        try (InsideLlmCollector c = o.builder().build()) {
            assertThat(c.start()).isNotEqualTo(1);
            assertThat(c.databasePath()).isEqualTo(dir.resolve("env.db"));
            Api api = new Api(c.baseUrl());
            assertThat(api.ingest("[]", "Authorization", "Bearer env-key-456").status()).isEqualTo(200);
            assertThat(api.get("/api/v1/runs").status()).isEqualTo(401);
        }
    }

    @Test
    void rejectsUnknownOptionsAndBadValuesWithTheValueInTheMessage() {
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--colour", "red"}, Map.of()))
                .hasMessage("unknown option --colour");
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--port", "seventy"}, Map.of()))
                .hasMessage("--port must be a number, but was seventy");
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--port", "70000"}, Map.of()))
                .hasMessage("port must be between 0 and 65535, but was 70000");
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--db"}, Map.of()))
                .hasMessage("--db needs a value");
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--retention-days", "0"}, Map.of()))
                .hasMessage("--retention-days must be at least 1, but was 0");
        assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--durability", "forever"}, Map.of()))
                .hasMessage("--durability must be process or power, but was forever");
    }

    @Test
    void helpIsRecognised() {
        assertThat(CollectorMain.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
        assertThat(CollectorMain.USAGE).contains("--viewer-token").contains("INSIDELLM_COLLECTOR_DB");
    }
}
