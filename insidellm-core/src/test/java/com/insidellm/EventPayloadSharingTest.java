package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventPayloadSharingTest {

    private static final String RUN = "5f0c6a2e-8d0b-4c4e-9a57-0f3b2d1c9e11";

    @Test
    void changingTheBuilderAfterBuildLeavesTheBuiltEventUnchanged() {
        Event.Builder builder = Event.builder(EventType.LLM_RESPONSE).runId(RUN).userId("u")
                .payload(new Payload.LlmResponse("gpt-4o", "openai", "hello"));
        Event first = builder.build();
        Event second = builder.payloadEntry("response_text", "changed").payloadEntry("extra", 1).build();

        assertThat(first.payload()).containsEntry("response_text", "hello").doesNotContainKey("extra");
        assertThat(second.payload()).containsEntry("response_text", "changed").containsEntry("extra", 1);
        assertThat(first.payload().keySet()).containsExactlyElementsOf(
                EventType.LLM_RESPONSE.payloadFields().stream().map(EventType.PayloadField::name).toList());
    }

    @Test
    void typedPayloadMissingARequiredFieldIsStillRejected() {
        assertThatThrownBy(() -> new Payload.LlmResponse("gpt-4o", "openai", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("response_text");
    }
}
