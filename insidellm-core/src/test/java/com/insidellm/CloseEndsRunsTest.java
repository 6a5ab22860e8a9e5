package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every run a client started ends: close() and the shutdown hook send run.end for the runs left open. */
class CloseEndsRunsTest {

    private static List<JsonNode> runEnds(RecordingServer server) {
        return server.events.stream().filter(e -> e.get("event_type").asText().equals("run.end")).toList();
    }

    @Test
    void closeEndsEveryRunLeftOpenWithClientClosedAndItsDuration() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            String open;
            String ended;
            String alsoOpen;
            try (InsideLlmClient client = server.clientBuilder().build()) {
                open = client.startRun("alice");
                ended = client.startRun("bob");
                alsoOpen = client.startRun(null, "carol", java.util.Map.of("tenant", "acme"));
                client.logEvent(Event.userInput(open, "alice", "hello"));
                client.endRun(ended, "completed");
            }

            List<JsonNode> ends = runEnds(server);
            assertThat(ends).extracting(e -> e.get("run_id").asText()).containsExactlyInAnyOrder(open, ended,
                    alsoOpen);
            for (JsonNode end : ends) {
                JsonNode payload = end.get("payload");
                assertThat(payload.get("exit_reason").asText())
                        .isEqualTo(end.get("run_id").asText().equals(ended) ? "completed" : "client_closed");
                assertThat(payload.get("session_duration_ms").isIntegralNumber()).isTrue();
                assertThat(payload.get("session_id").asText()).isEqualTo(end.get("run_id").asText());
            }
            JsonNode carolsEnd = ends.stream().filter(e -> e.get("run_id").asText().equals(alsoOpen)).findFirst()
                    .orElseThrow();
            assertThat(carolsEnd.get("user_id").asText()).isEqualTo("carol");
            assertThat(carolsEnd.get("metadata").get("tenant").asText()).isEqualTo("acme");
        }
    }

    @Test
    void closeSendsNoSecondRunEndAndNothingForAClientThatStartedNoRun() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            InsideLlmClient client = server.clientBuilder().build();
            String run = client.startRun("alice");
            client.endRun(run);
            client.close();
            client.close(Duration.ofSeconds(1));

            assertThat(runEnds(server)).hasSize(1);
            assertThat(client.stats().dropped(DropReason.CLIENT_CLOSED)).isZero();
        }
    }

    /** The child JVM's program: starts a run, logs into it, and returns from main without ending it or closing. */
    public static final class ForgetfulChild {
        public static void main(String[] args) {
            InsideLlmClient client = InsideLlmClient.builder().apiKey("child-key").baseUrl(args[0])
                    .flushInterval(Duration.ofHours(1)).build();
            String runId = client.startRun("child-user");
            client.logEvent(Event.userInput(runId, "child-user", "forgot to end this run"));
        }
    }

    @Test
    void theShutdownHookEndsARunTheApplicationForgot() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ForgetfulChild.class.getName(), server.baseUrl())
                    .redirectErrorStream(true)
                    .redirectOutput(new File("target/forgetful-child.log"))
                    .start();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM exited").isTrue();

            assertThat(server.events).extracting(e -> e.get("event_type").asText())
                    .containsExactly("run.start", "user.input", "run.end");
            assertThat(runEnds(server).get(0).get("payload").get("exit_reason").asText()).isEqualTo("client_closed");
        }
    }
}
