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
    void generatedIdsAreCanonicalVersion4Uuids() {
        for (int i = 0; i < 1000; i++) {
            String id = Event.userInput(RUN, "u", "x").eventId();
            assertThat(java.util.UUID.fromString(id).toString()).isEqualTo(id);
            assertThat(java.util.UUID.fromString(id).version()).isEqualTo(4);
            assertThat(java.util.UUID.fromString(id).variant()).isEqualTo(2);
        }
    }

    @Test
    void theRunIdOfEveryEventIsCheckedEvenWhenTheLastOneWasRemembered() {
        String run = "123e4567-e89b-12d3-a456-426614174000";
        Payload.UserInput input = new Payload.UserInput("hi");
        assertThat(Event.of(run, "u", input).runId()).isSameAs(run);
        assertThat(Event.of(run, "u", input).runId()).isSameAs(run);

        assertThatThrownBy(() -> Event.of("not-a-uuid", "u", input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run_id");
        assertThatThrownBy(() -> Event.of(null, "u", input)).isInstanceOf(NullPointerException.class);
        assertThat(Event.of(run.toUpperCase(java.util.Locale.ROOT), "u", input).runId()).isEqualTo(run);
        assertThat(Event.of(run, "u", input).runId()).isEqualTo(run);
        assertThatThrownBy(() -> Event.of(run, "", input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user_id");
    }
}
