package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTest {

    private static final String RUN = "11111111-1111-4111-8111-111111111111";

    @Test
    void aMissingRequiredPayloadFieldIsNamed() {
        assertThatThrownBy(() -> Event.builder(EventType.LLM_REQUEST).runId(RUN).userId("u")
                .payload(Map.of("model_name", "gpt-4o", "provider", "openai")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload.prompt is required for llm.request events");
    }

    @Test
    void malformedIdsAreNamed() {
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).runId("run-1"))
                .hasMessageContaining("run_id must be a UUID").hasMessageContaining("'run-1'");
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).parentEventId("nope"))
                .hasMessageContaining("parent_event_id must be a UUID");
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).userId(""))
                .hasMessage("user_id must not be empty");
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).payload(Map.of("input_text", "x")).build())
                .hasMessageContaining("run_id is required");
    }

    @Test
    void aTypedPayloadMustMatchTheEventType() {
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).payload(new Payload.AgentResponse("x")))
                .hasMessage("payload is for agent.response but the event is user.input");
    }

    @Test
    void mapPayloadsGetDefaultsNullsAndKeepExtraKeysInOrder() {
        Event event = Event.builder(EventType.TOOL_RESPONSE).runId(RUN).userId("u")
                .payload(Map.of("tool_name", "search", "tool_type", "api", "response_data", List.of("a")))
                .payloadEntry("extra", 1).build();
        assertThat(event.payload().keySet()).containsExactly("tool_name", "tool_type", "call_id", "response_data",
                "execution_time_ms", "success", "error_message", "extra");
        assertThat(event.payload().get("success")).isEqualTo(true);
        assertThat(event.payload().get("call_id")).isNull();
    }

    @Test
    void listMetadataIsFlattenedInsteadOfRejected() {
        Event event = Event.builder(EventType.USER_INPUT).runId(RUN).userId("u").payload(new Payload.UserInput("x"))
                .metadata(Map.of("tags", List.of("a", "b"))).build();
        assertThat(event.metadata()).containsEntry("tags", "a,b");
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).metadata("nested", Map.of("a", 1)))
                .hasMessageContaining("metadata.nested must be a string, number, boolean or list");
    }

    @Test
    void toStringNeverContainsContent() {
        Event event = Event.userInput(RUN, "u", "my secret prompt");
        assertThat(event.toString()).doesNotContain("secret").contains(event.eventId());
    }

    @Test
    void generatedIdsAreCanonicalTimeOrderedVersion7Uuids() {
        long before = System.currentTimeMillis();
        String previous = "";
        for (int i = 0; i < 1000; i++) {
            String id = Event.userInput(RUN, "u", "x").eventId();
            java.util.UUID uuid = java.util.UUID.fromString(id);
            assertThat(uuid.toString()).isEqualTo(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            long millis = uuid.getMostSignificantBits() >>> 16;
            assertThat(millis).isBetween(before, System.currentTimeMillis());
            // Ordered by creation time: the first 12 hex digits never go backwards.
            assertThat(id.substring(0, 13)).isGreaterThanOrEqualTo(previous);
            previous = id.substring(0, 13);
        }
    }
}
