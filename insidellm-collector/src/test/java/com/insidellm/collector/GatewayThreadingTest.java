package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic threading through the gateway: the turns of one conversation land in one run, across a restart of the
 * collector; another conversation gets its own run; a run header decides when given.
 */
class GatewayThreadingTest {

    @TempDir
    Path dir;

    static String completion(String text) {
        return GatewayOpenAiClientTest.COMPLETION.replace("Paris is the capital.", text);
    }

    private static OpenAIClient client(GatewayHarness g) {
        return OpenAIOkHttpClient.builder().baseUrl(g.gatewayBase()).apiKey("unused").maxRetries(0).build();
    }

    @Test
    void theTurnsOfAConversationShareARunAcrossARestart() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, GatewayOpenAiClientTest.CONFIG,
                Map.of("TEST_UPSTREAM_KEY", "k-12345678"))) {
            g.enqueueJson(completion("Which month?"));
            g.enqueueJson(completion("May is lovely."));
            g.enqueueJson(completion("Hello to you."));
            OpenAIClient client = client(g);
            ChatCompletionCreateParams.Builder conversation = ChatCompletionCreateParams.builder().model("mini")
                    .user("alice").addSystemMessage("You plan trips.").addUserMessage("Plan a trip to Rome");
            ChatCompletion first = client.chat().completions().create(conversation.build());
            conversation.addMessage(first.choices().get(0).message()).addUserMessage("In May");
            ChatCompletion second = client.chat().completions().create(conversation.build());
            client.chat().completions().create(ChatCompletionCreateParams.builder().model("mini").user("bob")
                    .addSystemMessage("You plan trips.").addUserMessage("Hello").build());
            client.close();
            List<JsonNode> before = g.awaitEvents("llm.request", 3);
            String runA = before.get(0).path("run_id").asText();
            assertThat(before.get(1).path("run_id").asText()).isEqualTo(runA);
            assertThat(before.get(2).path("run_id").asText()).isNotEqualTo(runA);
            assertThat(g.events("run.start")).hasSize(2);

            g.restart(Map.of("TEST_UPSTREAM_KEY", "k-12345678"));
            g.enqueueJson(completion("Three hotels."));
            client = client(g);
            conversation.addMessage(second.choices().get(0).message()).addUserMessage("Hotels?");
            client.chat().completions().create(conversation.build());
            client.close();

            List<JsonNode> after = g.awaitEvents("llm.request", 4);
            assertThat(after.get(3).path("run_id").asText()).isEqualTo(runA);
            assertThat(g.awaitEvents("llm.response", 4).get(3).path("run_id").asText()).isEqualTo(runA);
            assertThat(g.events("run.start")).hasSize(2);
            JsonNode run = g.api.getJson("/api/v1/runs/" + runA);
            assertThat(run.toString()).contains("alice");
        }
    }

    @Test
    void aRunHeaderDecidesTheRunAndTheUserHeaderTheUser() throws Exception {
        try (GatewayHarness g = new GatewayHarness(dir, GatewayOpenAiClientTest.CONFIG,
                Map.of("TEST_UPSTREAM_KEY", "k-12345678"))) {
            g.enqueueJson(completion("One."));
            g.enqueueJson(completion("Two."));
            String run = UUID.randomUUID().toString();
            OpenAIClient client = client(g);
            client.withOptions(o -> o.putHeader("X-InsideLLM-Run-Id", run).putHeader("X-InsideLLM-User-Id", "carol"))
                    .chat().completions().create(ChatCompletionCreateParams.builder().model("mini")
                            .addUserMessage("First question").build());
            client.withOptions(o -> o.putHeader("X-InsideLLM-Run-Id", run))
                    .chat().completions().create(ChatCompletionCreateParams.builder().model("mini")
                            .addUserMessage("Unrelated question").user("dave").build());
            client.close();

            List<JsonNode> requests = g.awaitEvents("llm.request", 2);
            assertThat(requests).allSatisfy(r -> assertThat(r.path("run_id").asText()).isEqualTo(run));
            assertThat(requests).extracting(r -> r.path("user_id").asText()).containsExactly("carol", "dave");
            assertThat(g.events("run.start")).isEmpty();
        }
    }
}
