package com.insidellm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryEventExporterTest {

    private static final String RUN = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

    private static InsideLlmClient client(InMemoryEventExporter exporter) {
        return InsideLlmClient.builder().addExporter(exporter).shutdownHook(false).flushInterval(Duration.ofMillis(20))
                .build();
    }

    @Test
    void keepsWhatTheClientExportsInOrderWithItsWireJson() {
        InMemoryEventExporter exporter = InMemoryEventExporter.create();
        try (InsideLlmClient client = client(exporter)) {
            client.logEvent(Event.userInput(RUN, "u", "first"));
            client.logEvent(Event.agentResponse(RUN, "u", "second"));

            List<Event> events = exporter.flushAndGet(client);

            assertThat(events).extracting(Event::type).containsExactly(EventType.USER_INPUT, EventType.AGENT_RESPONSE);
            assertThat(exporter.getFinishedEvents(EventType.AGENT_RESPONSE)).singleElement()
                    .satisfies(e -> assertThat(e.payload()).containsEntry("response_text", "second"));
            assertThat(exporter.getFinishedJson()).hasSize(2);
            assertThat(exporter.getFinishedJson().get(0)).contains("\"event_type\":\"user.input\"", "first");
        }
    }

    @Test
    void awaitsEventsTheClientDeliversInTheBackground() {
        InMemoryEventExporter exporter = InMemoryEventExporter.create();
        try (InsideLlmClient client = client(exporter)) {
            client.logEvent(Event.userInput(RUN, "u", "hi"));

            Event input = exporter.awaitSingle(EventType.USER_INPUT, Duration.ofSeconds(10));

            assertThat(input.runId()).isEqualTo(RUN);
            assertThat(exporter.awaitEvents(1, Duration.ofSeconds(10))).hasSize(1);
        }
    }

    @Test
    void awaitingWhatNeverComesFailsNamingWhatArrived() {
        InMemoryEventExporter exporter = InMemoryEventExporter.create();
        try (InsideLlmClient client = client(exporter)) {
            client.logEvent(Event.userInput(RUN, "u", "hi"));
            exporter.flushAndGet(client);

            assertThatThrownBy(() -> exporter.awaitSingle(EventType.LLM_RESPONSE, Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("llm").hasMessageContaining("has 1");
        }
    }

    @Test
    void afterTheClientClosesBatchesAreRefusedAndKeptApartAndResetStartsOver() {
        InMemoryEventExporter exporter = InMemoryEventExporter.create();
        InsideLlmClient client = client(exporter);
        client.logEvent(Event.userInput(RUN, "u", "before"));
        client.close();

        assertThat(exporter.isShutdown()).isTrue();
        assertThat(exporter.getFinishedEvents()).hasSize(1);
        assertThat(exporter.export(com.insidellm.EventBatch.of(List.of(Event.userInput(RUN, "u", "late"))))
                .isSuccess()).isFalse();
        assertThat(exporter.getEventsAfterShutdown()).hasSize(1);

        exporter.reset();
        assertThat(exporter.getFinishedEvents()).isEmpty();
        assertThat(exporter.getEventsAfterShutdown()).isEmpty();
        assertThat(exporter.isShutdown()).isFalse();
    }
}
