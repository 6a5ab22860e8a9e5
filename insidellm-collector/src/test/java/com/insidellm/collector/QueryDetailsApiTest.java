package com.insidellm.collector;

import static com.insidellm.collector.RichData.RAG_RUN;
import static com.insidellm.collector.RichData.TRIP_RUN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The query API's answers to what people ask of their logs: names, filters, tools, users, feedback, TTFT. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryDetailsApiTest {

    @TempDir static Path dir;
    InsideLlmCollector collector;
    Api api;

    @BeforeAll
    void seed() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("d.db")).build();
        collector.start();
        api = new Api(collector.baseUrl());
        var all = SampleData.asArray(SampleData.events());
        RichData.events().forEach(all::add);
        assertThat(api.ingest(all).json().get("rejected")).isEmpty();
    }

    @AfterAll
    void stop() {
        collector.close();
    }

    private static List<String> texts(JsonNode array, String field) {
        return Api.texts(array, field);
    }

    private List<String> runs(String query) {
        return texts(api.getJson("/api/v1/runs?" + query).get("runs"), "/run_id");
    }

    @Test
    void describesARunByNameFirstInputStatusOwnSpanFeedbackAndOneErrorPerFailure() {
        JsonNode run = api.getJson("/api/v1/runs/" + TRIP_RUN).get("run");

        assertThat(run.get("name").asText()).isEqualTo("Trip assistant");
        assertThat(run.get("first_input").asText()).isEqualTo(RichData.QUESTION);
        assertThat(run.get("user_id").asText()).isEqualTo("dave");
        assertThat(run.get("trace_id").asText()).isEqualTo(RichData.TRACE);
        assertThat(run.get("status").asText()).isEqualTo("error");
        assertThat(run.get("errors").asInt()).as("the tool's error event and failed response are one failure").isOne();
        assertThat(run.get("duration_ms").asDouble()).as("run.start to run.end, not from the 2020 event")
                .isEqualTo(1400.0);
        assertThat(run.get("start").asText()).isEqualTo("2025-06-04T13:00:00Z");
        assertThat(run.get("first_event").asText()).isEqualTo("2020-01-01T00:00:00Z");
        assertThat(run.at("/feedback/count").asInt()).isOne();
        assertThat(run.at("/feedback/average").asDouble()).isEqualTo(1.0);
        JsonNode agent = api.getJson("/api/v1/runs/" + SampleData.AGENT_RUN).get("run");
        assertThat(agent.get("status").asText()).isEqualTo("ok");
        assertThat(agent.get("name").isNull()).isTrue();
        assertThat(api.getJson("/api/v1/runs/" + SampleData.LATE_RUN).at("/run/status").asText()).isEqualTo("running");
    }

    @Test
    void filtersRunsByTraceTagMetadataAndCallType() {
        assertThat(runs("trace=" + RichData.TRACE)).containsExactly(RAG_RUN, TRIP_RUN);
        assertThat(runs("tag=spring")).containsExactly(TRIP_RUN);
        assertThat(runs("tag=rag")).containsExactly(RAG_RUN);
        assertThat(runs("meta.company_id=acme")).containsExactly(TRIP_RUN);
        assertThat(runs("meta.company_id=initech")).isEmpty();
        assertThat(runs("call_type=rag_query")).containsExactly(RAG_RUN);
        assertThat(runs("call_type=chat&user=alice")).containsExactly(SampleData.LATE_RUN, SampleData.AGENT_RUN);
    }

    @Test
    void filtersEventsByCallTypeTraceTagAndMetadata() {
        assertThat(texts(api.getJson("/api/v1/events?call_type=title").get("events"), "/event/event_type"))
                .containsExactly("llm.response", "llm.request");
        assertThat(texts(api.getJson("/api/v1/events?call_type=planning&status=error").get("events"),
                "/event/event_type")).isEmpty();
        assertThat(texts(api.getJson("/api/v1/events?trace=" + RichData.TRACE + "&type=llm.request").get("events"),
                "/event/run_id")).containsExactly(RAG_RUN, TRIP_RUN, TRIP_RUN, TRIP_RUN);
        assertThat(api.getJson("/api/v1/events?tag=rag").get("events")).hasSize(3);
        assertThat(texts(api.getJson("/api/v1/events?meta.company_id=acme&type=user.feedback").get("events"),
                "/event/payload/feedback_value")).containsExactly("thumbs_up");
    }

    @Test
    void listsEventsByTimestampAndPagesWithACursor() {
        JsonNode first = api.getJson("/api/v1/events?run=" + TRIP_RUN + "&limit=10");
        String cursor = first.get("next_before").asText();
        JsonNode second = api.getJson("/api/v1/events?run=" + TRIP_RUN + "&limit=10&before=" + cursor);

        List<String> times = new ArrayList<>(texts(first.get("events"), "/event/timestamp"));
        times.addAll(texts(second.get("events"), "/event/timestamp"));
        assertThat(times).hasSize(RichData.tripRun().size());
        assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(times.get(times.size() - 1)).startsWith("2020-01-01T00:00:00");
        assertThat(second.has("next_before")).isFalse();

        JsonNode arrival = api.getJson("/api/v1/events?order=arrival&limit=3");
        long seq = arrival.get("next_before").asLong();
        assertThat(api.getJson("/api/v1/events?order=arrival&limit=3&before=" + seq).at("/events/0/seq").asLong())
                .isLessThan(seq);
        assertThat(api.get("/api/v1/events?before=12").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/events?order=random").status()).isEqualTo(400);
    }

    @Test
    void aggregatesCallsFailuresAndDurationsPerTool() {
        JsonNode tools = api.getJson("/api/v1/stats/tools").get("tools");

        assertThat(texts(tools, "/tool")).containsExactlyInAnyOrder("get_weather", "search_flights");
        for (JsonNode tool : tools) {
            if (tool.get("tool").asText().equals("search_flights")) {
                assertThat(tool.get("calls").asInt()).isOne();
                assertThat(tool.get("failures").asInt()).isOne();
                assertThat(tool.get("failure_rate").asDouble()).isEqualTo(1.0);
                assertThat(tool.get("duration_p95_ms").asDouble()).isEqualTo(190.0);
            } else {
                assertThat(tool.get("type").asText()).isEqualTo("function");
                assertThat(tool.get("failures").asInt()).isZero();
                assertThat(tool.get("duration_p50_ms").asDouble()).isEqualTo(60.0);
            }
        }
        assertThat(api.getJson("/api/v1/stats/tools?to=2025-06-04T12:00:00Z").get("tools")).hasSize(1);
    }

    @Test
    void aggregatesPerUser() {
        JsonNode users = api.getJson("/api/v1/stats/users").get("users");

        assertThat(texts(users, "/user_id")).containsExactlyInAnyOrder("alice", "bob", "carol", "dave");
        for (JsonNode u : users) {
            switch (u.get("user_id").asText()) {
                case "alice" -> {
                    assertThat(u.get("runs").asInt()).isEqualTo(2);
                    assertThat(u.get("llm_calls").asInt()).isEqualTo(3);
                    assertThat(u.get("errors").asInt()).isZero();
                }
                case "dave" -> {
                    assertThat(u.get("errors").asInt()).isOne();
                    assertThat(u.at("/feedback/average").asDouble()).isEqualTo(1.0);
                    assertThat(u.get("first_seen").asText()).isEqualTo("2020-01-01T00:00:00Z");
                }
                case "carol" -> assertThat(u.at("/feedback/average").asDouble()).isEqualTo(3.0);
                default -> assertThat(u.get("errors").asInt()).isOne();
            }
        }
    }

    @Test
    void aggregatesFeedbackPerTypeAndOverall() {
        JsonNode feedback = api.getJson("/api/v1/stats/feedback");

        assertThat(feedback.at("/totals/count").asInt()).isEqualTo(2);
        assertThat(texts(feedback.get("types"), "/feedback_type")).containsExactly("rating", "thumbs");
        assertThat(feedback.at("/types/0/average").asDouble()).isEqualTo(3.0);
        assertThat(feedback.at("/types/1/average").asDouble()).isEqualTo(1.0);
        assertThat(api.getJson("/api/v1/stats/feedback?to=2025-06-04T13:05:00Z").at("/totals/count").asInt()).isOne();
    }

    @Test
    void reportsTimeToFirstTokenPerModelAndErrorsOncePerFailureInTotals() {
        JsonNode stats = api.getJson("/api/v1/stats/models");

        for (JsonNode m : stats.get("models")) {
            switch (m.get("model").asText()) {
                case "gpt-4o-mini" -> {
                    assertThat(m.get("ttft_p50_ms").asDouble()).isEqualTo(30.0);
                    assertThat(m.get("ttft_p95_ms").asDouble()).isEqualTo(120.0);
                }
                case "gpt-4o" -> assertThat(m.get("ttft_p50_ms").asDouble()).isEqualTo(90.0);
                default -> assertThat(m.get("ttft_p50_ms").isNull()).isTrue();
            }
        }
        assertThat(stats.at("/totals/errors").asInt()).isEqualTo(2);
    }

    @Test
    void listsCallTypesAndTagsAsFacets() {
        JsonNode facets = api.getJson("/api/v1/facets");

        assertThat(texts(facets.get("call_types"), "")).containsExactly("chat", "planning", "rag_query", "title");
        assertThat(texts(facets.get("tags"), "")).containsExactly("demo", "rag", "spring");
    }
}
