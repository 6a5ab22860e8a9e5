package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.servers.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --export} with a PostgreSQL {@code --db}: the same lines as the HTTP export, read through the store. */
class PostgresExportTest {

    @TempDir
    Path dir;

    @Test
    void exportsFromAPostgresDatabaseWithFiltersLikeTheHttpExport() throws Exception {
        String db = PostgresServer.shared().newDatabase();
        String run = Events.uuid();
        String otherRun = Events.uuid();
        String httpLines;
        try (InsideLlmCollector collector = InsideLlmCollector.builder().port(0).database(db).build()) {
            collector.start();
            Api api = new Api(collector.baseUrl());
            ArrayNode messages = Events.JSON.createArrayNode().add(Events.message("system", "Be kind."))
                    .add(Events.message("user", "Hello?"));
            ObjectNode request = Events.llmRequest(run, "carol", Instant.now(), "claude-3-5-haiku", messages);
            ObjectNode other = Events.llmRequest(otherRun, "dave", Instant.now(), "gpt-4o",
                    Events.JSON.createArrayNode().add(Events.message("user", "Other?")));
            assertThat(api.ingest(List.of(request, Events.llmResponse(run, "carol", Instant.now(), request,
                    "Hi there.", 5, 3, 0.0001, 120), other, Events.llmResponse(otherRun, "dave", Instant.now(), other,
                    "Yes.", 1, 1, 0, 1))).status()).isEqualTo(200);
            httpLines = api.get("/api/v1/export?format=openai-chat&user=carol").body();
        }

        // Offline, with the collector stopped: the command line's path, against the same PostgreSQL database.
        Path file = dir.resolve("out/dataset.jsonl");
        CollectorMain.Options options = CollectorMain.parse(new String[] {"--db", db, "--export", file.toString(),
            "--user", "carol"}, Map.of());
        long written = options.builder().build().export(options.export(), options.exportFilters());

        assertThat(written).isEqualTo(1);
        List<JsonNode> offline = GatewayExportTest.lines(Files.readString(file, StandardCharsets.UTF_8));
        assertThat(offline).singleElement().satisfies(line -> {
            assertThat(line.path("messages")).extracting(m -> m.path("role").asText() + ":" + m.path("content").asText())
                    .containsExactly("system:Be kind.", "user:Hello?", "assistant:Hi there.");
            assertThat(line.path("metadata").path("run_id").asText()).isEqualTo(run);
        });
        assertThat(offline).isEqualTo(GatewayExportTest.lines(httpLines));
        Path all = dir.resolve("all.jsonl");
        assertThat(CollectorMain.parse(new String[] {"--db", db, "--export", all.toString()}, Map.of()).builder().build()
                .export(all, Map.of())).isEqualTo(2);
    }
}
