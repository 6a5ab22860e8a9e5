package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Extra payload keys beside a typed payload: the same wire map as before, built off the caller's thread. */
class EventExtrasTest {

    private static final String RUN = "11111111-1111-4111-8111-111111111111";

    private static Event.Builder response() {
        return Event.builder(EventType.LLM_RESPONSE).runId(RUN).userId("u")
                .payload(new Payload.LlmResponse("gpt-4o", "openai", "Hi"));
    }

    @Test
    void extraKeysFollowTheTypesFieldsInTheOrderSet() {
        Event event = response().payloadEntry("response_id", "r-1").payloadEntry("response_message",
                Map.of("role", "assistant")).build();

        List<String> keys = List.copyOf(event.payload().keySet());
        List<String> fields = EventType.LLM_RESPONSE.payloadFields().stream().map(EventType.PayloadField::name)
                .toList();
        assertThat(keys.subList(0, fields.size())).isEqualTo(fields);
        assertThat(keys.subList(fields.size(), keys.size())).containsExactly("response_id", "response_message");
        assertThat(event.payload()).containsEntry("response_text", "Hi").containsEntry("response_id", "r-1");
        // Changed key by key: code that reads only the record must not miss the extra keys.
        assertThat(event.typedPayload()).isNull();
        assertThat(event.estimatedBytes()).isGreaterThan(response().build().estimatedBytes());
    }

    @Test
    void settingAFieldOfTheTypeReplacesTheRecordsValue() {
        Event event = response().payloadEntry("response_id", "r-1").payloadEntry("response_text", "Changed").build();

        assertThat(event.payload()).containsEntry("response_text", "Changed").containsEntry("response_id", "r-1");
    }

    @Test
    void aBuilderReusedAfterBuildDoesNotChangeTheBuiltEventAndToBuilderKeepsTheExtras() {
        Event.Builder builder = response().payloadEntry("response_id", "r-1");
        Event first = builder.build();
        Event second = builder.payloadEntry("response_model", "gpt-4o-2024").build();

        assertThat(first.payload()).doesNotContainKey("response_model");
        assertThat(second.payload()).containsEntry("response_model", "gpt-4o-2024");
        Event copy = first.toBuilder().payloadEntry("extra", 1).build();
        assertThat(copy.payload()).containsEntry("response_id", "r-1").containsEntry("extra", 1);
        assertThat(first.payload()).doesNotContainKey("extra");
        // Replacing the payload drops extras that belonged to the old one.
        Event replaced = first.toBuilder().payload(new Payload.LlmResponse("m", "p", "t")).build();
        assertThat(replaced.payload()).doesNotContainKey("response_id");
        assertThat(replaced.typedPayload()).isNotNull();
    }
}
