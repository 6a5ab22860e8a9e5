package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.internal.BatchingClient;
import com.insidellm.internal.processing.ContentFilter;
import com.insidellm.internal.processing.SamplingProcessor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class VolumeControlsTest {

    @Test
    void samplingKeepsOrDropsWholeRunsAndAlwaysKeepsErrors() {
        CapturingExporter exporter = new CapturingExporter();
        int runs = 400;
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).sampleRate(0.25).build()) {
            for (int i = 0; i < runs; i++) {
                try (InsideLlmTracker tracker = client.tracker("user-" + i)) {
                    tracker.logUserInput("hello");
                    tracker.logLlmRequest("gpt-4o", "openai", "hi");
                    tracker.logError("oops", "something failed");
                }
            }
            assertThat(client.flush(Duration.ofSeconds(30))).isTrue();
            Map<String, List<String>> byRun = exporter.events().stream().collect(Collectors.groupingBy(
                    e -> e.get("run_id").asText(), Collectors.mapping(e -> e.get("event_type").asText(),
                            Collectors.toList())));
            assertThat(byRun).hasSize(runs);
            long kept = byRun.values().stream().filter(types -> types.size() > 1).count();
            for (Map.Entry<String, List<String>> run : byRun.entrySet()) {
                if (SamplingProcessor.keeps(run.getKey(), 0.25)) {
                    assertThat(run.getValue()).containsExactly("run.start", "user.input", "llm.request", "error",
                            "run.end");
                } else {
                    assertThat(run.getValue()).containsExactly("error");
                }
            }
            // 400 random runs at 25 %: the kept share is far from 0 and from all (binomial, sd ~ 9 runs).
            assertThat(kept).isBetween(50L, 150L);
            assertThat(client.stats().dropped(DropReason.FILTERED)).isEqualTo((runs - kept) * 4);
        }
    }

    @Test
    void sampledOutRunsDoNotLeaveRunStateBehind() {
        try (InsideLlmClient client = CapturingExporter.clientBuilder(new CapturingExporter()).sampleRate(0.0)
                .build()) {
            for (int i = 0; i < 50; i++) {
                try (InsideLlmTracker tracker = client.tracker("user-" + i, Map.of("n", i))) {
                    tracker.logUserInput("hello");
                }
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(((BatchingClient) client).openRuns()).isZero();
            assertThat(client.stats().dropped(DropReason.FILTERED)).isEqualTo(150);
        }
    }

    @Test
    void sampleRateAndContentCaptureCanComeFromTheEnvironment() {
        CapturingExporter exporter = new CapturingExporter();
        Map<String, String> env = Map.of("INSIDELLM_SAMPLE_RATE", "1.0", "INSIDELLM_CAPTURE_CONTENT", "false");
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).environment(env::get).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.logUserInput("private words");
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(exporter.single("user.input").get("payload").get("input_text").asText())
                .isEqualTo(ContentFilter.OMITTED);
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter)
                .environment(Map.of("INSIDELLM_SAMPLE_RATE", "0")::get).build()) {
            client.startRun("user-1");
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(client.stats().dropped(DropReason.FILTERED)).isEqualTo(1);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CapturingExporter.clientBuilder(exporter)
                .environment(Map.of("INSIDELLM_SAMPLE_RATE", "25%")::get).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("environment variable INSIDELLM_SAMPLE_RATE must be a number between 0.0 and 1.0, "
                        + "but was '25%'");
    }

    @Test
    void anOversizedEventHasItsLargestStringsTruncatedWithAVisibleMarker() {
        CapturingExporter exporter = new CapturingExporter();
        String huge = "x".repeat(3000) + "\"quoted\"\n".repeat(200) + "ü".repeat(500);
        String medium = "m".repeat(4000);
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).maxEventBytes(4096).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.logLlmRequest(new Payload.LlmRequest("gpt-4o", "openai", huge, null, medium,
                        List.of(Map.of("role", "user", "content", "short"))));
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(client.stats().dropped(DropReason.EVENT_TOO_LARGE)).isZero();
        }
        JsonNode request = exporter.single("llm.request");
        assertThat(request.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        JsonNode payload = request.get("payload");
        assertThat(payload.get("prompt").asText()).startsWith("xxxx").matches("(?s).*\\.\\.\\.\\[truncated \\d+ chars]$");
        assertThat(payload.get("system_message").asText()).contains("...[truncated ");
        assertThat(payload.get("messages").get(0).get("content").asText()).isEqualTo("short");
        assertThat(payload.get("model_name").asText()).isEqualTo("gpt-4o");
    }

    @Test
    void anEventThatCannotBeTruncatedToFitIsDroppedAndReported() {
        CapturingExporter exporter = new CapturingExporter();
        Map<String, Object> manyKeys = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            manyKeys.put("parameter_number_" + i, i);
        }
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).maxEventBytes(4096).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.logToolCall("tool", manyKeys);
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
            assertThat(client.stats().dropped(DropReason.EVENT_TOO_LARGE)).isEqualTo(1);
        }
        assertThat(exporter.ofType("tool.call")).isEmpty();
        assertThat(exporter.ofType("run.end")).hasSize(1);
    }
}
