package com.insidellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A test backend that behaves like the one a new user writes from the InsideLLM Python SDK's documentation: FastAPI
 * with the published {@code insidellm} 1.0.0 pydantic models. It reads the body as plain JSON (a gzip body is
 * {@code 400 invalid JSON}: there is no decompression), validates every event against 1.0.0's nineteen event types
 * and their required payload fields, and answers all or nothing: {@code 202} when every event is valid, otherwise
 * {@code 400} for the whole request with one entry per invalid event in {@code detail}. Only accepted requests'
 * events are recorded. Thread-safe (MockWebServer calls it from its own threads).
 */
final class StrictBackend extends Dispatcher implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** insidellm 1.0.0's event types and each one's required payload fields. */
    static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("user.input", List.of("input_text")),
            Map.entry("user.feedback", List.of("feedback_type", "feedback_value")),
            Map.entry("agent.reasoning", List.of("reasoning_type", "reasoning_steps")),
            Map.entry("agent.planning", List.of("plan_type", "planned_actions")),
            Map.entry("agent.response", List.of("response_text")),
            Map.entry("llm.request", List.of("model_name", "provider", "prompt")),
            Map.entry("llm.response", List.of("model_name", "provider", "response_text")),
            Map.entry("llm.streaming_chunk", List.of("model_name", "provider", "chunk_text", "chunk_index")),
            Map.entry("tool.call", List.of("tool_name", "tool_type", "parameters")),
            Map.entry("tool.response", List.of("tool_name", "tool_type")),
            Map.entry("function_execution", List.of("function_name", "function_args", "return_value")),
            Map.entry("api.request", List.of("api_name", "endpoint", "method")),
            Map.entry("api.response", List.of("api_name", "endpoint", "status_code")),
            Map.entry("error", List.of("error_type", "error_message")),
            Map.entry("validation_error", List.of("validation_target", "validation_rules", "failed_rules")),
            Map.entry("timeout_error", List.of("timeout_type", "timeout_duration_ms")),
            Map.entry("run.start", List.of("session_id")),
            Map.entry("run.end", List.of("session_id")),
            Map.entry("performance_metric", List.of("metric_name", "metric_value")));
    private static final Set<String> NULLABLE_REQUIRED = Set.of("response_data");
    private static final Pattern UUID_FORM = Pattern.compile(
            "(?i)(urn:uuid:)?\\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}}?");

    /** One request as the backend saw it, and its answer. */
    record Request(int number, String contentEncoding, int status, int events) {}

    final MockWebServer server = new MockWebServer();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
    final Map<String, Integer> acceptedById = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();

    StrictBackend() throws IOException {
        server.setDispatcher(this);
        server.start();
    }

    String baseUrl() {
        return server.url("/").toString();
    }

    InsideLlmClient.Builder clientBuilder() {
        return InsideLlmClient.builder().apiKey("test-key").baseUrl(baseUrl()).shutdownHook(false)
                .environment(name -> null).systemProperties(name -> null);
    }

    @Override
    public MockResponse dispatch(RecordedRequest recorded) {
        int number = counter.incrementAndGet();
        String encoding = String.valueOf(recorded.getHeader("Content-Encoding"));
        if (!"/api/v1/ingest".equals(recorded.getPath()) || !"POST".equals(recorded.getMethod())) {
            return answer(number, encoding, 404, 0, "{\"detail\":\"Not Found\"}");
        }
        JsonNode body;
        try {
            // Like FastAPI: the body is parsed as JSON whatever Content-Encoding says.
            body = JSON.readTree(recorded.getBody().readByteArray());
        } catch (IOException e) {
            return answer(number, encoding, 400, 0, "{\"detail\":\"invalid JSON\"}");
        }
        if (body == null || !(body.isArray() || body.isObject())) {
            return answer(number, encoding, 400, 0, "{\"detail\":\"invalid JSON\"}");
        }
        List<JsonNode> events = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(events::add);
        } else {
            events.add(body);
        }
        ArrayNode detail = JSON.createArrayNode();
        for (int i = 0; i < events.size(); i++) {
            List<String> errors = validate(events.get(i));
            if (!errors.isEmpty()) {
                ObjectNode entry = detail.addObject();
                entry.put("index", i);
                JsonNode id = events.get(i).get("event_id");
                entry.put("event_id", id == null ? null : id.asText());
                ArrayNode list = entry.putArray("errors");
                errors.forEach(list::add);
            }
        }
        if (!detail.isEmpty()) {
            ObjectNode answer = JSON.createObjectNode();
            answer.put("detail", "validation failed for " + detail.size() + " of " + events.size() + " events");
            answer.set("errors", detail);
            return answer(number, encoding, 400, events.size(), answer.toString());
        }
        for (JsonNode event : events) {
            accepted.add(event);
            acceptedById.merge(event.get("event_id").asText(), 1, Integer::sum);
        }
        return answer(number, encoding, 202, events.size(),
                "{\"status\":\"accepted\",\"count\":" + events.size() + "}");
    }

    private MockResponse answer(int number, String encoding, int status, int events, String body) {
        requests.add(new Request(number, encoding, status, events));
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                .setBody(body);
    }

    /** The pydantic model's verdict on one event: empty when valid. */
    static List<String> validate(JsonNode event) {
        List<String> errors = new ArrayList<>();
        if (!event.isObject()) {
            errors.add("event: not an object");
            return errors;
        }
        uuid(event, "event_id", true, errors);
        uuid(event, "run_id", true, errors);
        uuid(event, "parent_event_id", false, errors);
        JsonNode timestamp = event.get("timestamp");
        if (timestamp == null || !timestamp.isTextual()) {
            errors.add("timestamp: field required");
        } else {
            try {
                OffsetDateTime.parse(timestamp.asText().replace(' ', 'T'));
            } catch (DateTimeParseException e) {
                errors.add("timestamp: invalid datetime format");
            }
        }
        JsonNode user = event.get("user_id");
        if (user == null || !user.isTextual() || user.asText().isEmpty()) {
            errors.add("user_id: field required");
        }
        JsonNode metadata = event.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                errors.add("metadata: value is not a valid dict");
            } else {
                metadata.fields().forEachRemaining(field -> {
                    if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                        errors.add("metadata." + field.getKey() + ": str, int, float or bool expected");
                    }
                });
            }
        }
        JsonNode type = event.get("event_type");
        List<String> required = type == null ? null : REQUIRED.get(type.asText());
        if (required == null) {
            errors.add("event_type: value is not a valid enumeration member: " + type);
            return errors;
        }
        JsonNode payload = event.get("payload");
        if (payload == null || !payload.isObject()) {
            errors.add("payload: field required");
            return errors;
        }
        for (String field : required) {
            JsonNode value = payload.get(field);
            if (value == null || (value.isNull() && !NULLABLE_REQUIRED.contains(field))) {
                errors.add("payload." + field + ": field required");
            }
        }
        return errors;
    }

    private static void uuid(JsonNode event, String field, boolean required, List<String> errors) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                errors.add(field + ": field required");
            }
            return;
        }
        if (!value.isTextual() || !UUID_FORM.matcher(value.asText()).matches()) {
            errors.add(field + ": value is not a valid uuid");
            return;
        }
        try {
            UUID.fromString(value.asText().replaceAll("(?i)urn:uuid:|[{}-]", "")
                    .replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
        } catch (IllegalArgumentException e) {
            errors.add(field + ": value is not a valid uuid");
        }
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
