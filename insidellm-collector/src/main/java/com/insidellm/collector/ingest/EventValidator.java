package com.insidellm.collector.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.store.StoredEvent;
import org.jspecify.annotations.Nullable;

/**
 * Checks one event object against the wire protocol and extracts the columns the store indexes. Internal. Stateless
 * and thread-safe.
 */
public final class EventValidator {

    private final WireSchema schema;

    /** A validator for the SDK's wire schema. */
    public EventValidator() {
        this(WireSchema.get());
    }

    EventValidator(WireSchema schema) {
        this.schema = schema;
    }

    /** The outcome for one event: exactly one of {@code event} and {@code reason} is set. */
    public record Result(@Nullable StoredEvent event, @Nullable String reason) {
        static Result ok(StoredEvent event) {
            return new Result(event, null);
        }

        static Result invalid(String reason) {
            return new Result(null, reason);
        }

        /** Whether the event passed validation. */
        public boolean valid() {
            return event != null;
        }
    }

    /**
     * Validates {@code node}; {@code raw} is its compact JSON text, stored as is unless an id or the timestamp was
     * written in another accepted form: then those are rewritten to the canonical form in the node and the stored JSON.
     */
    public Result validate(JsonNode node, String raw) {
        if (!node.isObject()) {
            return Result.invalid("event must be a JSON object, but was " + describe(node));
        }
        ObjectNode object = (ObjectNode) node;
        boolean rewritten = false;
        String eventId = uuid(node, "event_id");
        if (eventId == null) {
            return Result.invalid(badField(node, "event_id", WireValues.UUID_FORMS));
        }
        String runId = uuid(node, "run_id");
        if (runId == null) {
            return Result.invalid(badField(node, "run_id", WireValues.UUID_FORMS));
        }
        JsonNode timestamp = node.get("timestamp");
        Long micros = WireValues.micros(timestamp);
        if (micros == null) {
            return Result.invalid(badField(node, "timestamp", WireValues.TIMESTAMP_FORMS));
        }
        if (!timestamp.isTextual() || !WireValues.isCanonicalTimestamp(timestamp.asText())) {
            object.put("timestamp", WireValues.iso(micros));
            rewritten = true;
        }
        rewritten |= normalise(object, "event_id", eventId);
        rewritten |= normalise(object, "run_id", runId);
        String type = text(node, "event_type");
        WireSchema.Type spec = type == null ? null : schema.type(type);
        if (spec == null) {
            return Result.invalid(badField(node, "event_type", "one of the " + schema.eventTypes().size()
                    + " event types of the wire protocol"));
        }
        String userId = text(node, "user_id");
        if (userId == null || userId.isBlank()) {
            return Result.invalid(badField(node, "user_id", "a non-empty string naming the end user (send a fixed value"
                    + " such as \"anonymous\" when there is none)"));
        }
        JsonNode parent = node.get("parent_event_id");
        String parentId = null;
        if (parent != null && !parent.isNull()) {
            parentId = parent.isTextual() ? WireValues.uuid(parent.asText()) : null;
            if (parentId == null) {
                return Result.invalid(badField(node, "parent_event_id", WireValues.UUID_FORMS + " when present"));
            }
            rewritten |= normalise(object, "parent_event_id", parentId);
        }
        JsonNode metadata = node.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                return Result.invalid(badField(node, "metadata", "an object when present"));
            }
            for (var entry : metadata.properties()) {
                JsonNode v = entry.getValue();
                // Lists of scalars (tags) are accepted: the Python SDK's LangChain callback sends them.
                if (!(isScalar(v) || v.isArray() && allScalars(v))) {
                    return Result.invalid("metadata." + entry.getKey() + " must be a string, number, boolean or a list"
                            + " of those, but was " + describe(v));
                }
            }
        }
        JsonNode payload = node.get("payload");
        if (payload == null || !payload.isObject()) {
            return Result.invalid(badField(node, "payload", "an object"));
        }
        for (WireSchema.Required field : spec.required()) {
            JsonNode v = payload.get(field.name());
            String problem = field.problem(v);
            if (problem != null) {
                return Result.invalid("payload." + field.name() + " is required for " + type + " and must be " + problem
                        + ", but was " + (v == null ? "missing" : describe(v)));
            }
        }
        return Result.ok(extract(spec, payload, metadata, rewritten ? node.toString() : raw, eventId, runId, parentId,
                type, userId, micros));
    }

    private static boolean isScalar(JsonNode v) {
        return v.isTextual() || v.isNumber() || v.isBoolean();
    }

    private static boolean allScalars(JsonNode array) {
        for (JsonNode item : array) {
            if (!isScalar(item)) {
                return false;
            }
        }
        return true;
    }

    private StoredEvent extract(WireSchema.Type spec, JsonNode payload, @Nullable JsonNode metadata, String raw,
            String eventId, String runId, @Nullable String parentId, String type, String userId, long micros) {
        String model = type.startsWith("llm.") ? text(payload, "model_name") : null;
        String provider = type.startsWith("llm.") ? text(payload, "provider") : null;
        Long promptTokens = null;
        Long completionTokens = null;
        Long totalTokens = null;
        Double cost = null;
        Double latency = null;
        if (type.equals("llm.response")) {
            JsonNode usage = payload.get("usage");
            if (usage != null && usage.isObject()) {
                promptTokens = longOrNull(usage.get("prompt_tokens"));
                completionTokens = longOrNull(usage.get("completion_tokens"));
                totalTokens = longOrNull(usage.get("total_tokens"));
                if (totalTokens == null && (promptTokens != null || completionTokens != null)) {
                    totalTokens = (promptTokens == null ? 0 : promptTokens) + (completionTokens == null ? 0 : completionTokens);
                }
            }
            cost = doubleOrNull(payload.get("cost"));
        }
        if (spec.latencyField() != null) {
            latency = doubleOrNull(payload.get(spec.latencyField()));
        }
        return new StoredEvent(eventId, runId, parentId, type, userId, micros, model, provider, promptTokens,
                completionTokens, totalTokens, cost, latency, schema.isError(spec, payload), raw,
                EventDetails.of(type, payload, metadata));
    }

    private static @Nullable String uuid(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v != null && v.isTextual() ? WireValues.uuid(v.asText()) : null;
    }

    /** Puts the canonical form in place of the one sent; true when they differed. */
    private static boolean normalise(ObjectNode node, String key, String canonical) {
        if (node.get(key).asText().equals(canonical)) {
            return false;
        }
        node.put(key, canonical);
        return true;
    }

    private static String badField(JsonNode node, String key, String expected) {
        JsonNode v = node.get(key);
        return key + " must be " + expected + ", but was " + (v == null ? "missing" : describe(v));
    }

    /** A short description of a value for an error message; long text is cut so answers stay small. */
    static String describe(JsonNode v) {
        if (v.isTextual()) {
            String t = v.asText();
            return t.length() > 60 ? "\"" + t.substring(0, 60) + "…\"" : "\"" + t + "\"";
        }
        JsonNodeType type = v.getNodeType();
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case NULL -> "null";
            default -> v.toString();
        };
    }

    private static @Nullable String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static @Nullable Long longOrNull(JsonNode v) {
        return v != null && v.isNumber() ? v.asLong() : null;
    }

    private static @Nullable Double doubleOrNull(JsonNode v) {
        return v != null && v.isNumber() ? v.asDouble() : null;
    }
}
