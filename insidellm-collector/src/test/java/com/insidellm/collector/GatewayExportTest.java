package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The openai-chat dataset export, over HTTP and offline: one line per call, the conversation in order. */
class GatewayExportTest {

    static final String CONFIG = """
            {"models": [{"provider": "openai", "providerModel": "gpt-4o-mini", "model": "mini", "apiBase": "${UPSTREAM}/v1"},
                        {"provider": "openai", "providerModel": "gpt-4o", "model": "big", "apiBase": "${UPSTREAM}/v1"}]}""";

    @TempDir
    Path dir;

    static List<JsonNode> lines(String body) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                out.add(Events.JSON.readTree(line));
            }
        }
        return out;
    }

    @Test
    void gatewayAndSdkCallsExportAsChatLinesAndTheFiltersWork() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, CONFIG, Map.of())) {
            // Two calls through the gateway with LangChain4j's OpenAiChatModel, as two users and two models.
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION);
            g.enqueueJson(GatewayOpenAiClientTest.COMPLETION.replace("Paris is the capital.", "Berlin."));
            OpenAiChatModel mini = OpenAiChatModel.builder().baseUrl(g.gatewayBase()).apiKey("x").modelName("mini")
                    .user("alice").maxRetries(0).build();
            OpenAiChatModel big = OpenAiChatModel.builder().baseUrl(g.gatewayBase()).apiKey("x").modelName("big")
                    .user("bob").maxRetries(0).build();
            assertThat(mini.chat("Capital of France?")).isEqualTo("Paris is the capital.");
            assertThat(big.chat("Capital of Germany?")).isEqualTo("Berlin.");
            g.awaitEvents("llm.response", 2);
            Instant between = Instant.now();
            // An SDK-recorded call with its messages, and one without (not exportable: nothing to train on).
            String run = Events.uuid();
            ArrayNode messages = Events.JSON.createArrayNode().add(Events.message("system", "Be kind."))
                    .add(Events.message("user", "Hello?"));
            ObjectNode request = Events.llmRequest(run, "carol", Instant.now(), "claude-3-5-haiku", messages);
            ObjectNode bare = Events.llmRequest(run, "carol", Instant.now(), "claude-3-5-haiku",
                    Events.JSON.createArrayNode());
            assertThat(g.api.ingest(List.of(request, Events.llmResponse(run, "carol", Instant.now(), request,
                    "Hi there.", 5, 3, 0.0001, 120), bare, Events.llmResponse(run, "carol", Instant.now(), bare,
                    "ignored", 1, 1, 0, 1))).status()).isEqualTo(200);

            Api.Response all = g.api.get("/api/v1/export?format=openai-chat");
            assertThat(all.status()).isEqualTo(200);
            assertThat(all.headers().firstValue("Content-Type")).hasValueSatisfying(v -> v.startsWith("application/jsonl"));
            List<JsonNode> lines = lines(all.body());
            assertThat(lines).hasSize(3);
            JsonNode first = lines.get(0);
            assertThat(first.path("messages")).extracting(m -> m.path("role").asText() + ":" + m.path("content").asText())
                    .containsExactly("user:Capital of France?", "assistant:Paris is the capital.");
            assertThat(first.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(first.path("metadata").path("user_id").asText()).isEqualTo("alice");
            assertThat(first.path("metadata").path("source").asText()).isEqualTo("gateway");
            JsonNode sdk = lines.get(2);
            assertThat(sdk.path("messages")).extracting(m -> m.path("role").asText() + ":" + m.path("content").asText())
                    .containsExactly("system:Be kind.", "user:Hello?", "assistant:Hi there.");
            assertThat(sdk.path("metadata").path("source").asText()).isEqualTo("sdk");

            assertThat(lines(g.api.get("/api/v1/export?format=openai-chat&model=gpt-4o").body()))
                    .singleElement().satisfies(l -> assertThat(l.path("metadata").path("user_id").asText()).isEqualTo("bob"));
            assertThat(lines(g.api.get("/api/v1/export?format=openai-chat&user=alice").body())).hasSize(1);
            assertThat(lines(g.api.get("/api/v1/export?format=openai-chat&run=" + run).body())).hasSize(1);
            assertThat(lines(g.api.get("/api/v1/export?format=openai-chat&from=" + between).body()))
                    .singleElement().satisfies(l -> assertThat(l.path("model").asText()).isEqualTo("claude-3-5-haiku"));
            assertThat(lines(g.api.get("/api/v1/export?format=openai-chat&to=" + between).body())).hasSize(2);
            assertThat(g.api.get("/api/v1/export?format=csv").status()).isEqualTo(400);

            // Offline, from the same database, the same lines.
            Path file = dir.resolve("out/dataset.jsonl");
            CollectorMain.Options options = CollectorMain.parse(new String[] {"--db", g.database.toString(),
                    "--export", file.toString(), "--user", "alice"}, Map.of());
            long written = options.builder().build().export(options.export(), options.exportFilters());
            assertThat(written).isEqualTo(1);
            List<JsonNode> offline = lines(Files.readString(file, StandardCharsets.UTF_8));
            assertThat(offline).singleElement().isEqualTo(lines(
                    g.api.get("/api/v1/export?format=openai-chat&user=alice").body()).get(0));
        }
    }

    @Test
    void exportFiltersNeedAnExport() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CollectorMain.parse(new String[] {"--user", "x"},
                Map.of())).hasMessageContaining("--export");
    }
}
