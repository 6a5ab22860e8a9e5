package com.insidellm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpooledEventsTest {

    private static byte[] wire(Event e) throws Exception {
        return WireJson.writeEvent(e.eventId(), e.runId(), e.timestamp(), e.type().wireValue(), e.userId(),
                e.parentEventId(), e.metadata(), Map.of("tenant", "acme"), e.payload());
    }

    @Test
    void readsBackTheEventsThatWereSpooled() throws Exception {
        String run = Ids.randomUuid();
        Event request = Event.llmRequest(run, "alice", "gpt-4o", "openai", "What is the capital of France?");
        Event response = Event.builder(EventType.LLM_RESPONSE).runId(run).userId("alice")
                .parentEventId(request.eventId()).metadata("channel", "web")
                .payload(new com.insidellm.Payload.LlmResponse("gpt-4o", "openai", "Paris.", "stop",
                        TokenUsage.of(12, 3), 420L, null))
                .build();

        List<Event> events = SpooledEvents.events(List.of(wire(request), wire(response)));

        assertThat(events).extracting(Event::eventId).containsExactly(request.eventId(), response.eventId());
        Event read = events.get(1);
        assertThat(read.type()).isEqualTo(EventType.LLM_RESPONSE);
        assertThat(read.runId()).isEqualTo(run);
        assertThat(read.timestamp()).isEqualTo(response.timestamp().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(read.parentEventId()).isEqualTo(request.eventId());
        assertThat(read.metadata()).containsEntry("channel", "web").containsEntry("tenant", "acme");
        assertThat(read.payload()).containsEntry("response_text", "Paris.");
        assertThat(wire(read)).isEqualTo(wire(response));
    }

    @Test
    void anObjectThatIsNotAnEventBecomesAPlaceholderWithItsIds() {
        String id = Ids.randomUuid();
        String run = Ids.randomUuid();
        byte[] json = ("{\"event_id\":\"" + id + "\",\"run_id\":\"" + run + "\",\"event_type\":\"gone.away\","
                + "\"user_id\":\"bob\"}").getBytes(StandardCharsets.UTF_8);

        Event event = SpooledEvents.event(json);

        assertThat(event.eventId()).isEqualTo(id);
        assertThat(event.runId()).isEqualTo(run);
        assertThat(event.userId()).isEqualTo("bob");
        assertThat(SpooledEvents.event("not json".getBytes(StandardCharsets.UTF_8)).type())
                .isEqualTo(EventType.CUSTOM_EVENT);
    }
}
