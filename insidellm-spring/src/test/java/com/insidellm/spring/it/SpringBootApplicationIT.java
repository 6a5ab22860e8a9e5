package com.insidellm.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.InsideLlmClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Boots a real application with annotated services and checks, field by field, the events that arrive over HTTP at
 * a local ingestion endpoint.
 */
@SpringBootTest(classes = SupportApplication.class, properties = {
        "insidellm.api-key=it-key",
        "insidellm.batch-size=50",
        "insidellm.flush-interval=200ms"
})
class SpringBootApplicationIT {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final IngestionServer SERVER = new IngestionServer();
    private static final List<JsonNode> RECEIVED = SERVER.events;
    private static final List<RecordedRequest> REQUESTS = SERVER.requests;

    @DynamicPropertySource
    static void ingestion(DynamicPropertyRegistry registry) throws IOException {
        String url = SERVER.start();
        registry.add("insidellm.base-url", () -> url);
    }

    @AfterAll
    static void stopServer() throws IOException {
        SERVER.shutdown();
    }

    @Autowired
    SupportApplication.SupportAgent agent;

    @Autowired
    SupportApplication.Model model;

    @Autowired
    InsideLlmClient client;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void signIn() {
        RECEIVED.clear();
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "alice@example.com", "n/a", AuthorityUtils.createAuthorityList("ROLE_USER")));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void annotatedServicesDeliverLinkedEventsForTheSignedInUser() {
        assertThat(agent.chat("How do I add a starter?")).isEqualTo("See https://spring.io/projects/spring-boot");
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(REQUESTS).allSatisfy(request -> {
            assertThat(request.getPath()).isEqualTo("/api/v1/ingest");
            assertThat(request.getHeader("Authorization")).isEqualTo("Bearer it-key");
            assertThat(request.getHeader("User-Agent")).startsWith("insidellm-java/");
        });
        assertThat(RECEIVED).extracting(e -> e.get("event_type").asText()).containsExactly("run.start",
                "agent.reasoning", "llm.request", "tool.call", "tool.response", "llm.response", "run.end");
        JsonNode runStart = event("run.start");
        String runId = runStart.get("run_id").asText();
        assertThat(runId).matches(UUID);
        for (JsonNode event : RECEIVED) {
            assertThat(event.get("event_id").asText()).matches(UUID);
            assertThat(event.get("run_id").asText()).isEqualTo(runId);
            assertThat(event.get("user_id").asText()).isEqualTo("alice@example.com");
            assertThat(event.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
            // The run's metadata is merged into every event of the run.
            assertThat(event.at("/metadata/run_name").asText()).isEqualTo("support-chat");
        }
        assertThat(runStart.at("/payload/session_id").asText()).isEqualTo(runId);
        assertThat(runStart.has("parent_event_id")).isFalse();

        JsonNode step = event("agent.reasoning");
        assertThat(step.has("parent_event_id")).isFalse();
        assertThat(step.at("/metadata/code.function").asText()).isEqualTo("Planner.plan");
        assertThat(step.at("/payload/reasoning_type").asText()).isEqualTo("planning");
        assertThat(step.at("/payload/reasoning_steps")).hasSize(2);
        assertThat(step.at("/payload/reasoning_steps/0").asText()).isEqualTo("search the web");
        assertThat(step.at("/payload/reasoning_time_ms").isIntegralNumber()).isTrue();

        JsonNode request = event("llm.request");
        assertThat(request.has("parent_event_id")).isFalse();
        assertThat(request.at("/payload/model_name").asText()).isEqualTo("gpt-4o");
        assertThat(request.at("/payload/provider").asText()).isEqualTo("openai");
        assertThat(request.at("/payload/prompt").asText()).isEqualTo("How do I add a starter?");

        JsonNode toolCall = event("tool.call");
        assertThat(toolCall.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(toolCall.at("/payload/tool_name").asText()).isEqualTo("web_search");
        assertThat(toolCall.at("/payload/tool_type").asText()).isEqualTo("api");
        assertThat(toolCall.at("/payload/parameters/query").asText()).isEqualTo("How do I add a starter?");

        JsonNode toolResponse = event("tool.response");
        assertThat(toolResponse.get("parent_event_id").asText()).isEqualTo(toolCall.get("event_id").asText());
        assertThat(toolResponse.at("/payload/call_id").asText()).isEqualTo(toolCall.at("/payload/call_id").asText());
        assertThat(toolResponse.at("/payload/success").asBoolean()).isTrue();
        assertThat(toolResponse.at("/payload/response_data/0/url").asText())
                .isEqualTo("https://spring.io/projects/spring-boot");

        JsonNode response = event("llm.response");
        assertThat(response.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(response.at("/payload/response_text").asText())
                .isEqualTo("See https://spring.io/projects/spring-boot");
        assertThat(response.at("/payload/response_time_ms").isIntegralNumber()).isTrue();

        JsonNode runEnd = event("run.end");
        assertThat(runEnd.at("/payload/session_id").asText()).isEqualTo(runId);
        assertThat(runEnd.at("/payload/exit_reason").asText()).isEqualTo("completed");

        // Micrometer: the client's meters are bound to the application's registry.
        assertThat(meters.get("insidellm.events.sent").functionCounter().count()).isGreaterThanOrEqualTo(7);
        assertThat(meters.get("gen_ai.client.operation.duration").tag("gen_ai.request.model", "gpt-4o")
                .tag("gen_ai.provider.name", "openai").timer().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void completableFutureResponseArrivesWhenTheFutureCompletes() {
        assertThat(model.answerAsync("ping").join()).isEqualTo("async answer to ping");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            client.flush(Duration.ofSeconds(1));
            assertThat(RECEIVED).extracting(e -> e.get("event_type").asText()).contains("run.end");
        });
        JsonNode request = event("llm.request");
        JsonNode response = event("llm.response");
        assertThat(request.at("/payload/model_name").asText()).isEqualTo("gpt-4o-mini");
        assertThat(response.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(response.at("/payload/response_text").asText()).isEqualTo("async answer to ping");
        assertThat(response.get("user_id").asText()).isEqualTo("alice@example.com");
        assertThat(response.get("run_id").asText()).isEqualTo(request.get("run_id").asText());
    }

    @Test
    void anExceptionIsRethrownAndDeliveredAsAnErrorUnderTheToolCall() {
        assertThatThrownBy(() -> agent.chat("is there an outage?")).isInstanceOf(IllegalStateException.class)
                .hasMessage("search backend unavailable");
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        assertThat(RECEIVED).extracting(e -> e.get("event_type").asText()).containsExactly("run.start",
                "agent.reasoning", "llm.request", "tool.call", "tool.response", "error", "run.end");
        JsonNode toolCall = event("tool.call");
        JsonNode toolResponse = event("tool.response");
        assertThat(toolResponse.at("/payload/success").asBoolean()).isFalse();
        assertThat(toolResponse.at("/payload/error_message").asText()).isEqualTo("search backend unavailable");
        JsonNode error = event("error");
        assertThat(error.get("parent_event_id").asText()).isEqualTo(toolCall.get("event_id").asText());
        assertThat(error.at("/payload/error_type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.at("/payload/error_message").asText()).isEqualTo("search backend unavailable");
        assertThat(error.at("/payload/severity").asText()).isEqualTo("error");
        assertThat(error.at("/payload/stack_trace").asText()).contains("SearchTools.search");
        assertThat(event("run.end").at("/payload/exit_reason").asText()).isEqualTo("error");
    }

    private static JsonNode event(String type) {
        return SERVER.single(type);
    }
}
