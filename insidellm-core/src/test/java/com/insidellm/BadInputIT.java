package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each kind of bad input gets its documented outcome, and the good events logged around it, in the same batch,
 * still arrive.
 */
class BadInputIT {

    private static final String RUN = "00000000-0000-4000-8000-000000000006";
    private static final int MAX_EVENT_BYTES = 64 * 1024;

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private MockWebServer server;
    private InsideLlmClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                received.addAll(IngestBodies.events(request));
                return new MockResponse().setResponseCode(202);
            }
        });
        server.start();
        client = InsideLlmClient.builder()
                .apiKey("test-key")
                .baseUrl(server.url("/").toString())
                .batchSize(100)
                .maxEventBytes(MAX_EVENT_BYTES)
                .shutdownHook(false)
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    /** A value Jackson cannot serialise: its getter throws. */
    public static final class Exploding {
        public String getValue() {
            throw new IllegalStateException("cannot read me");
        }
    }

    private void logGood(String text) {
        assertThat(client.logEvent(Event.userInput(RUN, "user", text))).isTrue();
    }

    private List<String> receivedTexts() {
        return received.stream().filter(e -> e.get("event_type").asText().equals("user.input"))
                .map(e -> e.get("payload").get("input_text").asText()).toList();
    }

    @Test
    void unserialisablePayloadsAreDroppedAloneAndTheirBatchStillArrives() {
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);

        logGood("good 1");
        assertThat(client.logEvent(Event.builder(EventType.CUSTOM_EVENT).runId(RUN).userId("user")
                .payload(new Payload.Custom("exploding", Map.of("bean", new Exploding()))).build())).isTrue();
        logGood("good 2");
        assertThat(client.logEvent(Event.builder(EventType.CUSTOM_EVENT).runId(RUN).userId("user")
                .payload(new Payload.Custom("cyclic", cyclic)).build())).isTrue();
        logGood("good 3");

        assertThat(client.flush(Duration.ofSeconds(10))).isFalse(); // not everything could be delivered
        assertThat(receivedTexts()).containsExactly("good 1", "good 2", "good 3");
        assertThat(client.stats().dropped(DropReason.SERIALIZATION_ERROR)).isEqualTo(2);
        assertThat(client.stats().eventsSent()).isEqualTo(3);
    }

    @Test
    void hugeStringsAreTruncatedToTheEventLimitAndDelivered() {
        String huge = "x".repeat(3 * 1024 * 1024);

        logGood("before");
        assertThat(client.logEvent(Event.llmResponse(RUN, "user", "gpt-4o", "openai", huge))).isTrue();
        logGood("after");

        client.flush(Duration.ofSeconds(10));
        assertThat(receivedTexts()).containsExactly("before", "after");
        JsonNode response = received.stream().filter(e -> e.get("event_type").asText().equals("llm.response"))
                .findFirst().orElseThrow(() -> new AssertionError("the huge event was not delivered: "
                        + client.stats()));
        String text = response.get("payload").get("response_text").asText();
        assertThat(text).startsWith("xxxxxxxxxx").contains("truncated").hasSizeLessThan(MAX_EVENT_BYTES);
        assertThat(response.toString().length()).isLessThanOrEqualTo(MAX_EVENT_BYTES);
    }

    @Test
    void invalidIdsAndMissingRequiredFieldsFailWhereTheEventIsBuiltAndNothingElseIsLost() {
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).runId("not-a-uuid"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run_id");
        assertThatThrownBy(() -> Event.builder(EventType.USER_INPUT).parentEventId("12345"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parent_event_id");
        assertThatThrownBy(() -> Event.userInput(RUN, "user", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("input_text");
        assertThatThrownBy(() -> Event.userInput(RUN, "", "text"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("user_id");

        logGood("good 1");
        assertThat(client.logEvent(null)).isFalse();
        // Recording never throws: a run started with a bad id is refused and counted.
        client.startRun("not-a-uuid", "user", null);
        logGood("good 2");

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(receivedTexts()).containsExactly("good 1", "good 2");
        assertThat(client.stats().dropped(DropReason.INVALID_EVENT)).isEqualTo(2);
    }

    @Test
    void nullOptionalFieldsAreSentAsNullAndNullMetadataIsLeftOut() {
        Event event = Event.builder(EventType.USER_INPUT).runId(RUN).userId("user")
                .payloadEntry("input_text", "with nulls")
                .payloadEntry("channel", null)
                .metadata("tenant", null)
                .metadata("region", "eu")
                .build();

        assertThat(client.logEvent(event)).isTrue();
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();

        JsonNode sent = received.get(0);
        assertThat(sent.get("payload").has("channel")).isTrue();
        assertThat(sent.get("payload").get("channel").isNull()).isTrue();
        assertThat(sent.get("payload").get("input_type").asText()).isEqualTo("text");
        assertThat(sent.get("metadata").has("tenant")).isFalse();
        assertThat(sent.get("metadata").get("region").asText()).isEqualTo("eu");
        assertThat(sent.has("parent_event_id")).isFalse();
    }
}
