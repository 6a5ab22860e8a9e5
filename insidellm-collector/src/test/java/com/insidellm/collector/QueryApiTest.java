package com.insidellm.collector;

import static com.insidellm.collector.SampleData.AGENT_RUN;
import static com.insidellm.collector.SampleData.ERROR_RUN;
import static com.insidellm.collector.SampleData.LATE_RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiTest {

    @TempDir static Path dir;
    InsideLlmCollector collector;
    Api api;

    @BeforeAll
    void seed() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("q.db")).build();
        collector.start();
        api = new Api(collector.baseUrl());
        Api.Response r = api.ingest(SampleData.asArray(SampleData.events()));
        assertThat(r.json().get("accepted").asInt()).isEqualTo(SampleData.events().size());
    }

    @AfterAll
    void stop() {
        collector.close();
    }

    private static List<String> texts(JsonNode array, String field) {
        return Api.texts(array, field);
    }

    @Test
    void listsRunsNewestFirstWithTheirFigures() {
        JsonNode page = api.getJson("/api/v1/runs");

        assertThat(page.get("total").asInt()).isEqualTo(3);
        assertThat(texts(page.get("runs"), "/run_id")).containsExactly(LATE_RUN, ERROR_RUN, AGENT_RUN);
        JsonNode agent = page.get("runs").get(2);
        assertThat(agent.get("user_id").asText()).isEqualTo("alice");
        assertThat(agent.get("start").asText()).isEqualTo("2025-06-04T10:00:00Z");
        assertThat(agent.get("duration_ms").asDouble()).isEqualTo(500.0);
        assertThat(agent.get("event_count").asInt()).isEqualTo(10);
        assertThat(agent.get("llm_calls").asInt()).isEqualTo(2);
        assertThat(agent.get("tokens").asInt()).isEqualTo(370);
        assertThat(agent.get("cost").asDouble()).isCloseTo(0.03, within(1e-9));
        assertThat(agent.get("errors").asInt()).isZero();
        assertThat(agent.get("ended").asBoolean()).isTrue();
        assertThat(texts(agent.get("models"), "")).containsExactly("gpt-4o");
        assertThat(page.get("runs").get(1).get("errors").asInt()).isEqualTo(1);
    }

    @Test
    void filtersRunsByUserModelErrorsAndTime() {
        assertThat(texts(api.getJson("/api/v1/runs?user=alice").get("runs"), "/run_id"))
                .containsExactly(LATE_RUN, AGENT_RUN);
        assertThat(texts(api.getJson("/api/v1/runs?model=claude-3-5-sonnet").get("runs"), "/run_id"))
                .containsExactly(ERROR_RUN);
        assertThat(texts(api.getJson("/api/v1/runs?has_errors=true").get("runs"), "/run_id"))
                .containsExactly(ERROR_RUN);
        assertThat(texts(api.getJson("/api/v1/runs?has_errors=false").get("runs"), "/run_id"))
                .containsExactly(LATE_RUN, AGENT_RUN);
        assertThat(texts(api.getJson("/api/v1/runs?from=2025-06-04T10:15:00Z&to=2025-06-04T11:00:00Z").get("runs"),
                "/run_id")).containsExactly(ERROR_RUN);
    }

    @Test
    void pagesThroughRuns() {
        JsonNode first = api.getJson("/api/v1/runs?limit=2");
        JsonNode second = api.getJson("/api/v1/runs?limit=2&offset=2");

        assertThat(first.get("total").asInt()).isEqualTo(3);
        assertThat(texts(first.get("runs"), "/run_id")).containsExactly(LATE_RUN, ERROR_RUN);
        assertThat(texts(second.get("runs"), "/run_id")).containsExactly(AGENT_RUN);
    }

    @Test
    void returnsOneRunsEventsInOrderWithParentLinks() {
        JsonNode run = api.getJson("/api/v1/runs/" + AGENT_RUN);

        assertThat(texts(run.get("events"), "/event/event_type")).containsExactly("run.start", "user.input",
                "llm.request", "llm.response", "tool.call", "tool.response", "llm.request", "llm.response",
                "agent.response", "run.end");
        JsonNode events = run.get("events");
        assertThat(events.get(5).at("/event/parent_event_id").asText()).isEqualTo(events.get(4).at("/event/event_id")
                .asText());
        assertThat(events.get(3).at("/event/parent_event_id").asText()).isEqualTo(events.get(2).at("/event/event_id")
                .asText());
        assertThat(api.get("/api/v1/runs/" + Events.uuid()).status()).isEqualTo(404);
    }

    @Test
    void filtersEventsByTypeStatusModelProviderUserRunAndTime() {
        assertThat(api.getJson("/api/v1/events?type=llm.response").get("events")).hasSize(4);
        assertThat(api.getJson("/api/v1/events?type=llm.request,llm.response").get("events")).hasSize(8);
        assertThat(texts(api.getJson("/api/v1/events?status=error").get("events"), "/event/event_type"))
                .containsExactly("error");
        assertThat(api.getJson("/api/v1/events?model=gpt-4o").get("events")).hasSize(6);
        assertThat(api.getJson("/api/v1/events?provider=anthropic").get("events")).hasSize(2);
        assertThat(api.getJson("/api/v1/events?user=bob").get("events")).hasSize(4);
        assertThat(api.getJson("/api/v1/events?run=" + LATE_RUN).get("events")).hasSize(2);
        assertThat(api.getJson("/api/v1/events?from=2025-06-04T11:00:00Z").get("events")).hasSize(2);
        assertThat(api.getJson("/api/v1/events?to=2025-06-04T10:00:00.006Z").get("events")).hasSize(2);
    }

    @Test
    void searchesTheTextOfEventContentButNotKeyNames() {
        assertThat(texts(api.getJson("/api/v1/events?q=umbrella").get("events"), "/event/event_type"))
                .containsExactlyInAnyOrder("llm.response", "agent.response");
        assertThat(texts(api.getJson("/api/v1/events?q=LISBON").get("events"), "/event/event_type"))
                .containsExactly("llm.request");
        assertThat(api.getJson("/api/v1/events?q=input_text").get("events")).isEmpty();
        assertThat(api.getJson("/api/v1/events?q=100%25").get("events")).isEmpty();
        // Stored JSON escapes quotes; the match is on the string's own text.
        assertThat(texts(api.getJson("/api/v1/events?q=" + Api.encode("\"sky\":\"light rain\"")).get("events"),
                "/event/event_type")).containsExactly("llm.request");
        assertThat(texts(api.getJson("/api/v1/events?q=" + Api.encode("18 °C")).get("events"), "/event/event_type"))
                .containsExactlyInAnyOrder("llm.response", "agent.response");
        // Within one string, not across neighbouring values.
        assertThat(api.getJson("/api/v1/events?q=" + Api.encode("get_weather function")).get("events")).isEmpty();
    }

    @Test
    void pagesEventsNewestFirstInArrivalOrder() {
        JsonNode first = api.getJson("/api/v1/events?order=arrival&limit=5");
        long next = first.get("next_before").asLong();
        JsonNode second = api.getJson("/api/v1/events?order=arrival&limit=5&before=" + next);

        assertThat(first.get("events").get(0).get("seq").asLong()).isGreaterThan(next);
        assertThat(second.get("events").get(0).get("seq").asLong()).isLessThan(next);
        assertThat(first.get("events").size() + second.get("events").size()).isEqualTo(10);
    }

    @Test
    void aggregatesCallsTokensCostAndLatencyPercentilesPerModel() {
        JsonNode stats = api.getJson("/api/v1/stats/models");

        assertThat(stats.at("/totals/events").asInt()).isEqualTo(16);
        assertThat(stats.at("/totals/llm_calls").asInt()).isEqualTo(4);
        assertThat(stats.at("/totals/runs").asInt()).isEqualTo(3);
        assertThat(stats.at("/totals/errors").asInt()).isEqualTo(1);
        JsonNode gpt = stats.get("models").get(0);
        assertThat(gpt.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(gpt.get("provider").asText()).isEqualTo("openai");
        assertThat(gpt.get("calls").asInt()).isEqualTo(3);
        assertThat(gpt.get("prompt_tokens").asInt()).isEqualTo(1320);
        assertThat(gpt.get("completion_tokens").asInt()).isEqualTo(150);
        assertThat(gpt.get("tokens").asInt()).isEqualTo(1470);
        assertThat(gpt.get("cost").asDouble()).isCloseTo(0.08, within(1e-9));
        assertThat(gpt.get("latency_p50_ms").asDouble()).isEqualTo(300.0);
        assertThat(gpt.get("latency_p95_ms").asDouble()).isEqualTo(500.0);
        JsonNode claude = stats.get("models").get(1);
        assertThat(claude.get("calls").asInt()).isEqualTo(1);
        assertThat(claude.get("latency_p50_ms").asDouble()).isEqualTo(200.0);

        JsonNode morning = api.getJson("/api/v1/stats/models?to=2025-06-04T11:00:00Z");
        assertThat(morning.get("models").get(0).get("calls").asInt()).isEqualTo(2);
        assertThat(morning.get("models").get(0).get("latency_p95_ms").asDouble()).isEqualTo(300.0);
    }

    @Test
    void aggregatesPerTimeBucket() {
        JsonNode ts = api.getJson("/api/v1/stats/timeseries?bucket=3600");

        assertThat(ts.get("bucket_seconds").asInt()).isEqualTo(3600);
        assertThat(texts(ts.get("models"), "")).containsExactly("claude-3-5-sonnet", "gpt-4o");
        JsonNode buckets = ts.get("buckets");
        assertThat(texts(buckets, "/start")).containsExactly("2025-06-04T10:00:00Z", "2025-06-04T11:00:00Z",
                "2025-06-04T12:00:00Z");
        JsonNode ten = buckets.get(0);
        assertThat(ten.at("/per_model/gpt-4o/calls").asInt()).isEqualTo(2);
        assertThat(ten.at("/per_model/gpt-4o/tokens").asInt()).isEqualTo(370);
        assertThat(ten.at("/per_model/claude-3-5-sonnet/calls").asInt()).isEqualTo(1);
        assertThat(ten.get("events").asInt()).isEqualTo(14);
        assertThat(ten.get("errors").asInt()).isEqualTo(1);
        assertThat(ten.get("error_rate").asDouble()).isCloseTo(1 / 14.0, within(1e-9));
        assertThat(ten.get("latency_p50_ms").asDouble()).isEqualTo(200.0);
        assertThat(ten.get("latency_p95_ms").asDouble()).isEqualTo(300.0);
        assertThat(buckets.get(1).get("events").asInt()).isZero();
        assertThat(buckets.get(2).at("/per_model/gpt-4o/cost").asDouble()).isCloseTo(0.05, within(1e-9));
    }

    @Test
    void aTimeRangeWithoutEventsHasNoBuckets() {
        JsonNode ts = api.getJson("/api/v1/stats/timeseries?from=2030-01-01T00:00:00Z");

        assertThat(ts.get("buckets")).isEmpty();
        assertThat(api.getJson("/api/v1/stats/models?from=2030-01-01T00:00:00Z").at("/totals/events").asInt()).isZero();
    }

    @Test
    void listsFacetsForTheViewerFilters() {
        JsonNode facets = api.getJson("/api/v1/facets");

        assertThat(texts(facets.get("users"), "")).containsExactly("alice", "bob");
        assertThat(texts(facets.get("models"), "")).containsExactly("claude-3-5-sonnet", "gpt-4o");
    }

    @Test
    void servesTheWireSchemaTheValidatorChecksAgainst() {
        JsonNode schema = api.getJson("/api/v1/schema");

        assertThat(schema.get("event_types")).hasSize(24);
        assertThat(schema.get("event_types").get(0).get("event_type").asText()).isEqualTo("user.input");
        assertThat(schema.get("error_rules").isArray()).isTrue();
    }

    @Test
    void answersBadParametersWith400() {
        Api.Response r = api.get("/api/v1/events?limit=abc");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("limit must be an integer, but was abc");
        assertThat(api.get("/api/v1/runs?from=yesterday").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/nothing").status()).isEqualTo(404);
    }
}
