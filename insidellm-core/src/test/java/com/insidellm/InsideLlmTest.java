package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InsideLlmTest {

    @AfterEach
    void reset() {
        InsideLlm.shutdown();
    }

    @Test
    void isTheNoopClientUntilInitialisedAndAfterShutdown() {
        assertThat(InsideLlm.client()).isSameAs(InsideLlmClient.noop());
        assertThat(InsideLlm.isInitialized()).isFalse();
        try (InsideLlmTracker tracker = InsideLlm.tracker("user-1")) {
            assertThat(tracker.trackLlmCall("m", "p", "x", () -> "works without setup")).isEqualTo("works without setup");
        }
    }

    @Test
    void initializeInstallsTheClientAndShutdownDeliversAndCloses() {
        CapturingExporter exporter = new CapturingExporter();
        InsideLlmClient client = InsideLlm.initialize(CapturingExporter.clientBuilder(exporter));
        assertThat(InsideLlm.client()).isSameAs(client);
        try (InsideLlmTracker tracker = InsideLlm.tracker("user-1")) {
            tracker.logUserInput("hello");
        }
        InsideLlm.shutdown(Duration.ofSeconds(10));
        assertThat(exporter.ofType("user.input")).hasSize(1);
        assertThat(InsideLlm.client()).isSameAs(InsideLlmClient.noop());
        assertThat(client.logEvent(Event.userInput(Ids.RUN, "u", "late"))).isFalse();
    }

    @Test
    void initializingAgainClosesThePreviousClient() {
        CapturingExporter first = new CapturingExporter();
        InsideLlmClient one = InsideLlm.initialize(CapturingExporter.clientBuilder(first));
        one.startRun("user-1");
        InsideLlmClient two = InsideLlm.initialize(CapturingExporter.clientBuilder(new CapturingExporter()));
        assertThat(InsideLlm.client()).isSameAs(two);
        assertThat(first.ofType("run.start")).hasSize(1);
        assertThat(one.logEvent(Event.userInput(Ids.RUN, "u", "late"))).isFalse();
    }

    /** Ids for tests. */
    static final class Ids {
        static final String RUN = "123e4567-e89b-12d3-a456-426614174000";
    }
}
