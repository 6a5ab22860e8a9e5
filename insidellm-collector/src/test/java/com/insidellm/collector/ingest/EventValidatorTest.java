package com.insidellm.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.store.StoredEvent;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final EventValidator validator = new EventValidator();

    /** A minimal valid payload (required fields only) for each of the 24 types. */
    static final Map<String, String> MINIMAL = Map.ofEntries(
            Map.entry("user.input", "{\"input_text\":\"hi\"}"),
            Map.entry("user.feedback", "{\"feedback_type\":\"rating\",\"feedback_value\":5}"),
            Map.entry("agent.reasoning", "{\"reasoning_type\":\"cot\",\"reasoning_steps\":[\"a\",\"b\"]}"),
            Map.entry("agent.planning", "{\"plan_type\":\"seq\",\"planned_actions\":[{\"a\":1}]}"),
            Map.entry("agent.response", "{\"response_text\":\"ok\"}"),
            Map.entry("llm.request", "{\"model_name\":\"m\",\"provider\":\"p\",\"prompt\":\"q\"}"),
            Map.entry("llm.response", "{\"model_name\":\"m\",\"provider\":\"p\",\"response_text\":\"a\"}"),
            Map.entry("llm.streaming_chunk", "{\"model_name\":\"m\",\"provider\":\"p\",\"chunk_text\":\"a\",\"chunk_index\":0}"),
            Map.entry("tool.call", "{\"tool_name\":\"t\",\"tool_type\":\"function\",\"parameters\":{}}"),
            Map.entry("tool.response", "{\"tool_name\":\"t\",\"tool_type\":\"function\",\"response_data\":null}"),
            Map.entry("function_execution", "{\"function_name\":\"f\",\"function_args\":{},\"return_value\":1}"),
            Map.entry("api.request", "{\"api_name\":\"a\",\"endpoint\":\"/x\",\"method\":\"GET\"}"),
            Map.entry("api.response", "{\"api_name\":\"a\",\"endpoint\":\"/x\",\"status_code\":200}"),
            Map.entry("error", "{\"error_type\":\"E\",\"error_message\":\"boom\"}"),
            Map.entry("validation_error", "{\"validation_target\":\"t\",\"validation_rules\":[],\"failed_rules\":[]}"),
            Map.entry("timeout_error", "{\"timeout_type\":\"t\",\"timeout_duration_ms\":100}"),
            Map.entry("run.start", "{\"session_id\":\"s\"}"),
            Map.entry("run.end", "{\"session_id\":\"s\"}"),
            Map.entry("performance_metric", "{\"metric_name\":\"m\",\"metric_value\":1.5}"),
            Map.entry("chain.start", "{\"chain_name\":\"c\"}"),
            Map.entry("chain.end", "{\"chain_name\":\"c\"}"),
            Map.entry("retrieval.start", "{\"query\":\"q\"}"),
            Map.entry("retrieval.end", "{\"query\":\"q\"}"),
            Map.entry("custom.event", "{\"name\":\"n\"}"));

    static Stream<Arguments> types() {
        return MINIMAL.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    static ObjectNode event(String type, String payload) throws Exception {
        ObjectNode e = JSON.createObjectNode();
        e.put("event_id", "0b7e3f5a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
        e.put("run_id", "1b7e3f5a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
        e.put("timestamp", "2025-06-04T17:47:23.123456Z");
        e.put("event_type", type);
        e.put("user_id", "u1");
        e.set("payload", JSON.readTree(payload));
        return e;
    }

    EventValidator.Result check(ObjectNode e) throws Exception {
        return validator.validate(e, JSON.writeValueAsString(e));
    }

    @Test
    void knowsExactlyTheTwentyFourTypesOfTheWireProtocol() {
        assertThat(WireSchema.get().eventTypes()).isEqualTo(MINIMAL.keySet()).hasSize(24);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void acceptsEachTypeWithItsRequiredFieldsAndRejectsItWithoutEach(String type, String payload) throws Exception {
        assertThat(check(event(type, payload)).valid()).as(type).isTrue();
        ObjectNode required = (ObjectNode) JSON.readTree(payload);
        required.fieldNames().forEachRemaining(field -> {
            try {
                ObjectNode e = event(type, payload);
                e.withObjectProperty("payload").remove(field);
                EventValidator.Result r = check(e);
                assertThat(r.valid()).as(type + " without " + field).isFalse();
                assertThat(r.reason()).contains("payload." + field).contains(type);
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        });
    }

    @Test
    void extractsTheColumnsTheStoreFiltersOn() throws Exception {
        ObjectNode e = event("llm.response", "{\"model_name\":\"gpt-4o\",\"provider\":\"openai\",\"response_text\":"
                + "\"Hello there\",\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5},\"cost\":0.25,"
                + "\"response_time_ms\":812}");
        e.put("parent_event_id", "2B7E3F5A-1C2D-4E5F-8A9B-0C1D2E3F4A5B");

        StoredEvent s = check(e).event();

        assertThat(s.model()).isEqualTo("gpt-4o");
        assertThat(s.provider()).isEqualTo("openai");
        assertThat(s.totalTokens()).isEqualTo(15);
        assertThat(s.cost()).isEqualTo(0.25);
        assertThat(s.latencyMs()).isEqualTo(812.0);
        assertThat(s.parentEventId()).isEqualTo("2b7e3f5a-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
        assertThat(s.timestampMicros()).isEqualTo(1_749_059_243_123_456L);
        assertThat(s.error()).isFalse();
    }

    @Test
    void marksFailuresAsErrors() throws Exception {
        assertThat(check(event("error", MINIMAL.get("error"))).event().error()).isTrue();
        assertThat(check(event("tool.response", "{\"tool_name\":\"t\",\"tool_type\":\"f\",\"response_data\":null,"
                + "\"success\":false}")).event().error()).isTrue();
        assertThat(check(event("api.response", "{\"api_name\":\"a\",\"endpoint\":\"/x\",\"status_code\":503}"))
                .event().error()).isTrue();
        assertThat(check(event("tool.response", MINIMAL.get("tool.response"))).event().error()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "run_id", "timestamp", "event_type", "user_id", "payload"})
    void rejectsAnEventWithoutARequiredKeyNamingIt(String key) throws Exception {
        ObjectNode e = event("user.input", MINIMAL.get("user.input"));
        e.remove(key);

        EventValidator.Result r = check(e);

        assertThat(r.valid()).isFalse();
        assertThat(r.reason()).startsWith(key + " must be").endsWith("but was missing");
    }

    @Test
    void checksTheTypesOfTopLevelKeys() throws Exception {
        ObjectNode badId = event("user.input", MINIMAL.get("user.input"));
        badId.put("event_id", "not-a-uuid");
        ObjectNode badTime = event("user.input", MINIMAL.get("user.input"));
        badTime.put("timestamp", "yesterday");
        ObjectNode blankUser = event("user.input", MINIMAL.get("user.input"));
        blankUser.put("user_id", " ");
        ObjectNode badParent = event("user.input", MINIMAL.get("user.input"));
        badParent.put("parent_event_id", "123");
        ObjectNode listMetadata = event("user.input", MINIMAL.get("user.input"));
        listMetadata.putObject("metadata").put("ok", "yes").putArray("tags").add("fine").addObject();
        ObjectNode wrongFieldType = event("tool.call", "{\"tool_name\":\"t\",\"tool_type\":\"f\",\"parameters\":[]}");

        assertThat(check(badId).reason()).startsWith("event_id must be a UUID such as")
                .endsWith(", but was \"not-a-uuid\"");
        assertThat(check(badTime).reason()).startsWith("timestamp must be an ISO-8601 time");
        assertThat(check(blankUser).reason()).startsWith("user_id must be a non-empty string");
        assertThat(check(badParent).reason()).startsWith("parent_event_id must be a UUID");
        assertThat(check(listMetadata).reason())
                .isEqualTo("metadata.tags must be a string, number, boolean or a list of those, but was a list");
        assertThat(check(wrongFieldType).reason())
                .isEqualTo("payload.parameters is required for tool.call and must be an object, but was a list");
    }

    @Test
    void acceptsFlatMetadataNullParentAndTimestampsWithOffsetsOrWithoutZone() throws Exception {
        ObjectNode e = event("user.input", MINIMAL.get("user.input"));
        e.putObject("metadata").put("env", "prod").put("n", 3).put("beta", true);
        e.putNull("parent_event_id");
        assertThat(check(e).valid()).isTrue();

        e.put("timestamp", "2025-06-04T19:47:23.123456+02:00");
        assertThat(check(e).event().timestampMicros()).isEqualTo(1_749_059_243_123_456L);
        e.put("timestamp", "2025-06-04T17:47:23.123456");
        assertThat(check(e).event().timestampMicros()).isEqualTo(1_749_059_243_123_456L);
    }

    /** The hand-written fast path for the usual {@code …Z} form must agree with java.time on every input. */
    @ParameterizedTest
    @ValueSource(strings = {"2025-06-04T17:47:23.123456Z", "2025-06-04T17:47:23Z", "2025-06-04T17:47:23.1Z",
            "2025-06-04T17:47:23.123456789Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999Z",
            "2024-02-29T12:00:00.5Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
            "2025-02-29T12:00:00Z", "2025-13-01T00:00:00Z", "2025-06-31T00:00:00Z", "2025-06-04T24:00:00Z",
            "2025-06-04T17:60:00Z", "2025-06-04T17:47:60Z", "2025-06-04T17:47:23.Z", "2025-06-04T17:47:23.1234567891Z",
            "2025-06-04t17:47:23Z", "2025-06-04T17:47:2xZ", "+2025-06-04T17:47:23Z", "2025-06-04T17:47:23+02:00",
            "2025-06-04T17:47:23.123-05:30", "2025-06-04 17:47:23Z", "2025-6-04T17:47:23.123Z"})
    void timestampParserAgreesWithJavaTime(String timestamp) {
        Long expected;
        try {
            // Python's forms with a lower-case t or a space read as java.time reads the same time with T.
            java.time.Instant instant = java.time.OffsetDateTime.parse(
                    timestamp.replaceFirst("^(\\d{4}-\\d{2}-\\d{2})[ t]", "$1T")).toInstant();
            expected = instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
        } catch (java.time.format.DateTimeParseException e) {
            expected = null;
        }
        assertThat(WireValues.parseMicros(timestamp)).isEqualTo(expected);
    }

    @Test
    void uuidCheckAcceptsBothCasesAndRejectsEverythingElse() {
        assertThat(WireValues.uuid("0196f5c2-7a1b-7c3d-8e4f-0123456789ab")).isEqualTo("0196f5c2-7a1b-7c3d-8e4f-0123456789ab");
        assertThat(WireValues.uuid("0196F5C2-7A1B-7C3D-8E4F-0123456789AB")).isEqualTo("0196f5c2-7a1b-7c3d-8e4f-0123456789ab");
        assertThat(WireValues.uuid("0196f5c2-7a1b-7c3d-8e4f-0123456789a")).isNull();
        assertThat(WireValues.uuid("0196f5c2-7a1b-7c3d-8e4f-0123456789abc")).isNull();
        assertThat(WireValues.uuid("0196f5c2x7a1b-7c3d-8e4f-0123456789ab")).isNull();
        assertThat(WireValues.uuid("0196f5c2-7a1b-7c3d-8e4f-0123456789ag")).isNull();
        assertThat(WireValues.uuid("0196f5c27a1b-7c3d-8e4f--0123456789ab")).isNull();
        assertThat(WireValues.uuid("{0196f5c2-7a1b-7c3d-8e4f-0123456789ab")).isNull();
        assertThat(WireValues.uuid("urn:uuid:")).isNull();
        assertThat(WireValues.uuid("")).isNull();
    }

    static final String CANONICAL_ID = "0196f5c2-7a1b-7c3d-8e4f-0123456789ab";

    @ParameterizedTest
    @ValueSource(strings = {"0196f5c2-7a1b-7c3d-8e4f-0123456789ab", "0196f5c27a1b7c3d8e4f0123456789ab",
            "0196F5C27A1B7C3D8E4F0123456789AB", "0196F5C2-7A1B-7C3D-8E4F-0123456789AB",
            "{0196f5c2-7a1b-7c3d-8e4f-0123456789ab}", "{0196f5c27a1b7c3d8e4f0123456789ab}",
            "urn:uuid:0196f5c2-7a1b-7c3d-8e4f-0123456789ab", "URN:UUID:0196F5C2-7A1B-7C3D-8E4F-0123456789AB"})
    void acceptsEveryIdFormThePythonModelAcceptsAndStoresItCanonical(String id) throws Exception {
        ObjectNode e = event("user.input", MINIMAL.get("user.input"));
        e.put("event_id", id).put("run_id", id).put("parent_event_id", id);

        StoredEvent s = check(e).event();

        assertThat(s).as(id).isNotNull();
        assertThat(s.eventId()).isEqualTo(CANONICAL_ID);
        assertThat(s.runId()).isEqualTo(CANONICAL_ID);
        assertThat(s.parentEventId()).isEqualTo(CANONICAL_ID);
        JsonNode stored = JSON.readTree(s.rawJson());
        assertThat(stored.get("event_id").asText()).isEqualTo(CANONICAL_ID);
        assertThat(stored.get("run_id").asText()).isEqualTo(CANONICAL_ID);
        assertThat(stored.get("parent_event_id").asText()).isEqualTo(CANONICAL_ID);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "2025-06-04T17:47:23.123456Z        | 2025-06-04T17:47:23.123456Z",
        "2025-06-04 17:47:23.123456+00:00   | 2025-06-04T17:47:23.123456Z",
        "2025-06-04T19:47:23.123456+02:00   | 2025-06-04T17:47:23.123456Z",
        "2025-06-04T12:17:23.123-05:30      | 2025-06-04T17:47:23.123000Z",
        "2025-06-04T17:47:23                | 2025-06-04T17:47:23.000000Z",
        "2025-06-04T17:47:23.123456         | 2025-06-04T17:47:23.123456Z",
        "2025-06-04 17:47:23                | 2025-06-04T17:47:23.000000Z",
        "2025-06-04T17:47:23Z               | 2025-06-04T17:47:23.000000Z",
        "2025-06-04T17:47:23.5z             | 2025-06-04T17:47:23.500000Z",
        "2025-06-04T19:47:23+0200           | 2025-06-04T17:47:23.000000Z",
        "2025-06-04T19:47:23+02             | 2025-06-04T17:47:23.000000Z",
        "2025-06-04T17:47                   | 2025-06-04T17:47:00.000000Z",
        "2025-06-04                         | 2025-06-04T00:00:00.000000Z",
        "1749059243.123456                  | 2025-06-04T17:47:23.123456Z",
        "1749059243123                      | 2025-06-04T17:47:23.123000Z"})
    void acceptsEveryTimestampFormThePythonModelAcceptsAndStoresItCanonical(String sent, String stored)
            throws Exception {
        ObjectNode e = event("user.input", MINIMAL.get("user.input"));
        e.put("timestamp", sent);

        StoredEvent s = check(e).event();

        assertThat(s).as(sent).isNotNull();
        assertThat(JSON.readTree(s.rawJson()).get("timestamp").asText()).isEqualTo(stored);
        assertThat(WireValues.iso(s.timestampMicros())).isEqualTo(stored);
    }

    @Test
    void acceptsUnixSecondsSentAsAJsonNumber() throws Exception {
        ObjectNode e = event("user.input", MINIMAL.get("user.input"));
        e.put("timestamp", 1749059243.5);

        StoredEvent s = check(e).event();

        assertThat(JSON.readTree(s.rawJson()).get("timestamp").asText()).isEqualTo("2025-06-04T17:47:23.500000Z");
    }

    @Test
    void keepsTheBodyAsSentWhenEverythingIsAlreadyCanonical() throws Exception {
        ObjectNode e = event("user.input", MINIMAL.get("user.input"));
        e.put("event_id", CANONICAL_ID).put("timestamp", "2025-06-04T17:47:23.123456Z");
        String raw = JSON.writeValueAsString(e);

        assertThat(validator.validate(e, raw).event().rawJson()).isSameAs(raw);
    }

    @Test
    void explainsHowToFixWhatItStillRejects() throws Exception {
        ObjectNode badId = event("user.input", MINIMAL.get("user.input"));
        badId.put("event_id", "evt-42");
        assertThat(check(badId).reason()).startsWith("event_id must be a UUID such as").contains("32 hex digits")
                .contains("urn:uuid:").endsWith("but was \"evt-42\"");

        ObjectNode emptyUser = event("user.input", MINIMAL.get("user.input"));
        emptyUser.put("user_id", "");
        assertThat(check(emptyUser).reason()).startsWith("user_id must be a non-empty string")
                .contains("\"anonymous\"");

        ObjectNode badTime = event("user.input", MINIMAL.get("user.input"));
        badTime.put("timestamp", "yesterday");
        assertThat(check(badTime).reason()).startsWith("timestamp must be an ISO-8601 time")
                .contains("a space for T").endsWith("but was \"yesterday\"");
    }
}
