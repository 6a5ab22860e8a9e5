package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static InsideLlmClient.Builder noEnvironment() {
        return InsideLlmClient.builder().shutdownHook(false).environment(name -> null)
                .systemProperties(name -> null);
    }

    @Test
    void localModeWritesOneValidJsonLinesFilePerDayAndRunInTheWireFormat() throws IOException {
        String runA;
        String runB;
        try (InsideLlmClient client = noEnvironment().localMode(dir).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1", Map.of("env", "dev"))) {
                runA = tracker.runId();
                tracker.trackLlmCall("gpt-4o", "openai", "Hi", () -> "Hello \"quoted\"\nsecond line");
            }
            try (InsideLlmTracker tracker = client.tracker("user-2")) {
                runB = tracker.runId();
                tracker.logUserInput("ünïcödé ✓");
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        String day = LocalDate.now(ZoneOffset.UTC).toString();
        Path fileA = dir.resolve(day).resolve(runA + ".jsonl");
        Path fileB = dir.resolve(day).resolve(runB + ".jsonl");
        try (Stream<Path> files = Files.list(dir.resolve(day))) {
            assertThat(files).containsExactlyInAnyOrder(fileA, fileB);
        }
        List<JsonNode> a = readLines(fileA);
        assertThat(a).extracting(e -> e.get("event_type").asText())
                .containsExactly("run.start", "llm.request", "llm.response", "run.end");
        JsonNode response = a.get(2);
        assertThat(iterable(response.fieldNames())).containsExactly("event_id", "run_id", "timestamp", "event_type",
                "user_id", "parent_event_id", "metadata", "payload");
        assertThat(response.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(response.get("metadata").get("env").asText()).isEqualTo("dev");
        assertThat(response.get("payload").get("response_text").asText()).isEqualTo("Hello \"quoted\"\nsecond line");
        assertThat(readLines(fileB).get(1).get("payload").get("input_text").asText()).isEqualTo("ünïcödé ✓");
    }

    @Test
    void aLineCutShortByACrashDoesNotCorruptTheLinesAfterIt() throws IOException {
        String runId = "123e4567-e89b-12d3-a456-426614174000";
        Instant when = Instant.parse("2026-11-22T10:15:30Z");
        Path file = dir.resolve("2026-11-22").resolve(runId + ".jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"event_id\":\"a\"}\n{\"event_id\":\"cut sh", StandardCharsets.UTF_8);
        try (InsideLlmClient client = noEnvironment().localMode(dir).build()) {
            client.logEvent(Event.builder(EventType.USER_INPUT).runId(runId).userId("u").timestamp(when)
                    .payload(new Payload.UserInput("after the crash")).build());
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).isEqualTo("{\"event_id\":\"cut sh");
        assertThat(JSON.readTree(lines.get(2)).get("payload").get("input_text").asText()).isEqualTo("after the crash");
    }

    @Test
    void boundsOpenFilesAndClosesIdleOnes() {
        AtomicLong now = new AtomicLong();
        LocalFileExporter exporter = LocalFileExporter.create(dir, now::get);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < LocalFileExporter.MAX_OPEN_FILES + 5; i++) {
            events.add(Event.userInput(com.insidellm.internal.Ids.randomUuid(), "u", "run " + i));
        }
        assertThat(exporter.export(batch(events)).isSuccess()).isTrue();
        assertThat(exporter.openFiles()).isEqualTo(LocalFileExporter.MAX_OPEN_FILES);
        now.addAndGet(LocalFileExporter.IDLE_CLOSE_NANOS);
        assertThat(exporter.export(batch(List.of(events.get(0)))).isSuccess()).isTrue();
        assertThat(exporter.openFiles()).isEqualTo(1);
        exporter.close();
        assertThat(exporter.openFiles()).isZero();
    }

    @Test
    void aRetriedBatchDoesNotWriteItsFirstEventsTwice() throws IOException {
        LocalFileExporter exporter = LocalFileExporter.create(dir, System::nanoTime);
        Event ok = Event.userInput("123e4567-e89b-12d3-a456-426614174001", "u", "first");
        Event blocked = Event.userInput("123e4567-e89b-12d3-a456-426614174002", "u", "second");
        Path blocker = LocalFileExporter.fileFor(dir.toAbsolutePath(), blocked);
        Files.createDirectories(blocker); // a directory where the file should be: the write fails
        EventBatch batch = batch(List.of(ok, blocked));
        assertThat(exporter.export(batch).status()).isEqualTo(ExportResult.Status.RETRYABLE);
        Files.delete(blocker);
        assertThat(exporter.export(batch).isSuccess()).isTrue();
        exporter.close();
        assertThat(Files.readAllLines(LocalFileExporter.fileFor(dir.toAbsolutePath(), ok))).hasSize(1);
        assertThat(Files.readAllLines(blocker)).hasSize(1);
    }

    @Test
    void insidellmModeLocalNeedsNoApiKey() throws IOException {
        try (InsideLlmClient client = noEnvironment().environment(name -> switch (name) {
            case "INSIDELLM_MODE" -> "local";
            case "INSIDELLM_LOCAL_DIR" -> dir.toString();
            default -> null;
        }).build()) {
            client.startRun("user-1");
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".jsonl"))).hasSize(1);
        }
    }

    @Test
    void withoutApiKeyOrLocalModeBuildFailsNamingBothOptions() {
        assertThatThrownBy(() -> noEnvironment().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("apiKey(...)").hasMessageContaining("INSIDELLM_API_KEY")
                .hasMessageContaining("localMode()").hasMessageContaining("INSIDELLM_MODE=local");
    }

    @Test
    void loggingExporterLinesNameFactsButNotContent() {
        Event response = Event.builder(EventType.LLM_RESPONSE).runId("123e4567-e89b-12d3-a456-426614174000")
                .userId("u").payload(new Payload.LlmResponse("gpt-4o", "openai", "SECRET ANSWER", "stop",
                        TokenUsage.of(10, 5), 120L, 0.001)).build();
        String line = LoggingExporter.summary(response);
        assertThat(line).startsWith("llm.response run=123e4567 event=")
                .contains("model_name=gpt-4o", "tokens=10/5", "cost=0.001", "response_time_ms=120")
                .doesNotContain("SECRET");
        assertThat(EventExporter.logging().export(batch(List.of(response))).isSuccess()).isTrue();
    }

    @Test
    void sendsToSeveralExportersAtOnce() throws IOException {
        CapturingExporter capture = new CapturingExporter();
        try (InsideLlmClient client = noEnvironment().addExporter(capture).addExporter(EventExporter.localFiles(dir))
                .addExporter(EventExporter.logging()).build()) {
            client.startRun("user-1");
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(capture.ofType("run.start")).hasSize(1);
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".jsonl"))).hasSize(1);
        }
    }

    static EventBatch batch(List<Event> events) {
        return EventBatch.of(events);
    }

    private static List<JsonNode> readLines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private static <T> Iterable<T> iterable(Iterator<T> it) {
        return () -> it;
    }
}
