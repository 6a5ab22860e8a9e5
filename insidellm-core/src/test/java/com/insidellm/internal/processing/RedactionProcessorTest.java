package com.insidellm.internal.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.Payload;
import com.insidellm.Redactors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionProcessorTest {

    private static final String RUN = "123e4567-e89b-12d3-a456-426614174000";

    @Test
    void applicationObjectsInPayloadsAreRedactedAsTheyWouldBeSerialised() {
        record Customer(String name, String email) {
        }
        Event event = Event.builder(EventType.TOOL_RESPONSE).runId(RUN).userId("u")
                .payload(new Payload.ToolResponse("crm", "function", new Customer("Bob", "bob@corp.com"))).build();
        Event redacted = new RedactionProcessor(List.of(Redactors.emails())).process(event);
        assertThat(redacted.payload().get("response_data"))
                .isEqualTo(Map.of("name", "Bob", "email", "[REDACTED_EMAIL]"));
    }
}
