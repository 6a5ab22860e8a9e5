package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.internal.processing.ContentFilter;
import com.insidellm.internal.processing.RedactionProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivacyControlsTest {

    private static final String RUN = "123e4567-e89b-12d3-a456-426614174000";

    private static String redactAll(String text) {
        return new RedactionProcessor(List.of(Redactors.builtIns())).redact(text);
    }

    @Test
    void builtInRedactorsCleanARealLookingSupportPrompt() {
        String prompt = """
                Hi, I'm Jane (jane.doe+billing@example.co.uk, cell +44 20 7946 0958, office (555) 123-4567).
                My card 4111 1111 1111 1111 was charged twice on 2026-11-02 for order 1234567890123.
                Our integration uses Authorization: Bearer abc.def-ghi_jkl123456 and key sk-proj-AbCdEf0123456789XyZ_ab,
                AWS AKIAIOSFODNN7EXAMPLE and this JWT eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U.
                Request id 123e4567-e89b-12d3-a456-426614174000 from 192.168.100.200 at 10:15:30, version 1.2.3.
                """;
        String clean = redactAll(prompt);
        assertThat(clean).contains("[REDACTED_EMAIL]", "[REDACTED_PHONE]", "[REDACTED_CARD]",
                "Bearer [REDACTED_TOKEN]", "[REDACTED_API_KEY]")
                .doesNotContain("jane.doe", "7946", "123-4567", "4111", "abc.def", "sk-proj", "AKIA", "eyJ")
                // Ids, dates, times, IP addresses, versions and non-Luhn numbers stay readable.
                .contains("2026-11-02", "order 1234567890123", "123e4567-e89b-12d3-a456-426614174000",
                        "192.168.100.200", "10:15:30", "version 1.2.3", "Hi, I'm Jane");
        assertThat(clean.split("\\[REDACTED_PHONE]", -1)).hasSize(3);
        assertThat(clean.split("\\[REDACTED_API_KEY]", -1)).hasSize(4);
    }

    @Test
    void phoneNumbersAreFoundInTheirCommonShapesAndNumbersThatAreNotPhonesAreLeftAlone() {
        Redactor phones = Redactors.phoneNumbers();
        for (String phone : List.of("415-555-0100", "+1 (415) 555-0100", "(415) 555-0100", "415.555.0100",
                "+33 1 23 45 67 89", "+447946095812", "020 7946 0958", "+49 30 901820")) {
            assertThat(phones.redact("call " + phone + " now")).as(phone).isEqualTo("call [REDACTED_PHONE] now");
        }
        for (String other : List.of("order #12345678", "2026-11-22 10:15:30", "10.0.0.1", "10.0.19045.2965",
                "1,234,567.89", "ts 1732270000000", "22.11.2026", "11/22/2026 14:00", "between 10-20 and 30-40")) {
            assertThat(phones.redact(other)).as(other).isEqualTo(other);
        }
    }

    @Test
    void cardNumbersMustPassTheLuhnCheck() {
        assertThat(redactAll("card 5500-0000-0000-0004 ok")).isEqualTo("card [REDACTED_CARD] ok");
        assertThat(redactAll("ref 5500-0000-0000-0005 ok")).doesNotContain("REDACTED_CARD");
        assertThat(Redactors.isCardNumber("378282246310005")).isTrue();
        assertThat(Redactors.isCardNumber("378282246310006")).isFalse();
    }

    @Test
    void customPatternsRunAfterTheBuiltIns() {
        Redactor accounts = Redactors.pattern("ACC-\\d{8}", "[REDACTED_ACCOUNT]");
        assertThat(new RedactionProcessor(List.of(Redactors.emails(), accounts))
                .redact("ACC-12345678 belongs to a@b.io")).isEqualTo("[REDACTED_ACCOUNT] belongs to [REDACTED_EMAIL]");
    }

    @Test
    void redactionWalksNestedPayloadsMessagesAndMetadataAndFailsClosed() throws Exception {
        CapturingExporter exporter = new CapturingExporter();
        Redactor throwing = text -> {
            if (text.contains("poison")) {
                throw new IllegalStateException("redactor bug");
            }
            return text;
        };
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter)
                .redact(Redactors.builtIns()).redact(throwing).build()) {
            Payload.LlmRequest request = new Payload.LlmRequest("gpt-4o", "openai", "Email bob@corp.com",
                    Map.of("user", "carol@corp.com"), "You are helpful; poison pill secret",
                    List.of(Map.of("role", "user", "content", "Call me at +1 415 555 0100"),
                            Map.of("role", "assistant", "content", "ok", "tool_calls",
                                    List.of(Map.of("arguments", "{\"email\":\"dave@corp.com\"}")))));
            client.logEvent(Event.builder(EventType.LLM_REQUEST).runId(RUN).userId("u").payload(request)
                    .metadata("customer_email", "erin@corp.com").metadata("tier", "gold").build());
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        JsonNode event = exporter.single("llm.request");
        String json = event.toString();
        assertThat(json).doesNotContain("@corp.com", "415 555", "poison", "secret");
        JsonNode payload = event.get("payload");
        assertThat(payload.get("prompt").asText()).isEqualTo("Email [REDACTED_EMAIL]");
        assertThat(payload.get("parameters").get("user").asText()).isEqualTo("[REDACTED_EMAIL]");
        assertThat(payload.get("system_message").asText()).isEqualTo(Redactors.FAILED_MARKER);
        assertThat(payload.get("messages").get(0).get("content").asText()).isEqualTo("Call me at [REDACTED_PHONE]");
        assertThat(payload.get("messages").get(1).get("tool_calls").get(0).get("arguments").asText())
                .isEqualTo("{\"email\":\"[REDACTED_EMAIL]\"}");
        assertThat(payload.get("model_name").asText()).isEqualTo("gpt-4o");
        assertThat(event.get("metadata").get("customer_email").asText()).isEqualTo("[REDACTED_EMAIL]");
        assertThat(event.get("metadata").get("tier").asText()).isEqualTo("gold");
    }

    @Test
    void runMetadataMergedIntoEveryEventIsRedactedToo() {
        CapturingExporter exporter = new CapturingExporter();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).redact(Redactors.emails()).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1", Map.of("account", "frank@corp.com", "plan", "pro"))) {
                tracker.logUserInput("hi");
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(exporter.events()).hasSize(3).allSatisfy(e -> {
            assertThat(e.get("metadata").get("account").asText()).isEqualTo("[REDACTED_EMAIL]");
            assertThat(e.get("metadata").get("plan").asText()).isEqualTo("pro");
        });
        assertThat(exporter.events().toString()).doesNotContain("frank@corp.com");
    }

    @Test
    void withoutContentCaptureOnlyAnalyticsFactsLeaveTheProcess() {
        CapturingExporter exporter = new CapturingExporter();
        try (InsideLlmClient client = CapturingExporter.clientBuilder(exporter).captureContent(false).build()) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                tracker.logUserInput("my password is hunter2");
                tracker.trackLlmCall("gpt-4o", "openai", "secret prompt",
                        () -> LlmCallResult.of("secret answer", TokenUsage.of(10, 5)));
                tracker.trackToolCall("lookup", Map.of("account", "secret-acc"), () -> "secret result");
            }
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(exporter.events().toString()).doesNotContain("secret", "hunter2");
        assertThat(exporter.single("user.input").get("payload").get("input_text").asText())
                .isEqualTo(ContentFilter.OMITTED);
        JsonNode response = exporter.single("llm.response").get("payload");
        assertThat(response.get("response_text").asText()).isEqualTo(ContentFilter.OMITTED);
        assertThat(response.get("usage").get("total_tokens").asInt()).isEqualTo(15);
        assertThat(response.get("model_name").asText()).isEqualTo("gpt-4o");
        assertThat(exporter.single("tool.call").get("payload").get("parameters").isEmpty()).isTrue();
        assertThat(exporter.single("tool.response").get("payload").get("tool_name").asText()).isEqualTo("lookup");
    }
}
