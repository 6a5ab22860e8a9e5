package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM that logs events and exits without calling close() still delivers them, through the shutdown hook. */
class ShutdownHookTest {

    /** The child JVM's program: logs events with a long flush interval and returns from main. */
    public static final class ChildMain {
        public static void main(String[] args) {
            InsideLlmClient client = InsideLlmClient.builder().apiKey("child-key").baseUrl(args[0])
                    .flushInterval(Duration.ofHours(1)).batchSize(1000).build();
            String runId = client.startRun("child-user");
            for (int i = 0; i < 250; i++) {
                client.logEvent(Event.userInput(runId, "child-user", "message " + i));
            }
            client.endRun(runId);
            // No close(), no flush(): main returns and the JVM exits.
        }
    }

    @Test
    void aJvmExitingWithoutCloseDeliversThroughTheShutdownHook() throws Exception {
        try (RecordingServer server = new RecordingServer()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ChildMain.class.getName(), server.baseUrl())
                    .redirectErrorStream(true)
                    .redirectOutput(new File("target/shutdown-hook-child.log"))
                    .start();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM exited").isTrue();
            assertThat(child.exitValue()).isZero();

            assertThat(server.events).hasSize(252);
            assertThat(server.events.get(0).get("event_type").asText()).isEqualTo("run.start");
            assertThat(server.events.get(251).get("event_type").asText()).isEqualTo("run.end");
            assertThat(server.requests).extracting(r -> r.header("Authorization"))
                    .containsOnly("Bearer child-key");
            List<String> ids = server.eventIds();
            assertThat(ids).doesNotHaveDuplicates();
        }
    }
}
