package com.insidellm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.collector.InsideLlmCollector;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the two OpenTelemetry examples against an in-process collector and checks the runs it stored. */
class OpenTelemetryExamplesTest {

    @TempDir
    Path dir;
    private InsideLlmCollector collector;
    private URI base;

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("c.db")).build();
        collector.start();
        base = collector.baseUrl();
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    private List<String> types(String runId) {
        List<String> types = new ArrayList<>();
        Demo.get(base, "/api/v1/runs/" + runId).path("events")
                .forEach(e -> types.add(e.path("event").path("event_type").asText()));
        return types;
    }

    @Test
    void sendToYourOpenTelemetryBackendDeliversTheRunAsSpansOverOtlp() {
        String answer = OpenTelemetryExport.run(base + "/v1/traces");

        assertThat(answer).isNotBlank();
        JsonNode runs = Demo.get(base, "/api/v1/runs").path("runs");
        assertThat(runs).hasSize(1);
        JsonNode run = runs.get(0);
        assertThat(run.path("llm_calls").asInt()).isEqualTo(1);
        assertThat(run.path("tokens").asInt()).isPositive();
        assertThat(run.path("cost").asDouble()).isPositive();
        assertThat(run.path("errors").asInt()).isPositive(); // the calendar tool fails on purpose
        assertThat(types(run.path("run_id").asText())).contains("run.start", "user.input", "llm.request",
                "llm.response", "tool.call", "tool.response", "agent.response", "run.end");
    }

    @Test
    void receiveFromOpenTelemetryAppsTurnsTheirGenAiSpansIntoARun() {
        String traceId = OpenTelemetryReceive.run(base.toString());

        String runId = traceId.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
        assertThat(types(runId)).containsExactly("run.start", "llm.request", "llm.response", "llm.request",
                "llm.response", "run.end");
        JsonNode run = Demo.get(base, "/api/v1/runs").path("runs").get(0);
        assertThat(run.path("user_id").asText()).isEqualTo("user-7");
        assertThat(run.path("llm_calls").asInt()).isEqualTo(2);
        assertThat(run.path("tokens").asInt()).isEqualTo(31 + 42 + 80 + 25);
        assertThat(run.path("cost").asDouble()).isPositive();
    }
}
