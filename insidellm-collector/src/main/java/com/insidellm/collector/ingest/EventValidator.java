package com.insidellm.collector.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.insidellm.collector.store.StoredEvent;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
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

    /** Validates {@code node}; {@code raw} is its compact JSON text, stored unchanged. */
    public Result validate(JsonNode node, String raw) {
        if (!node.isObject()) {
            return Result.invalid("event must be a JSON object, but was " + describe(node));
        }
        String eventId = text(node, "event_id");
        if (eventId == null || !isUuid(eventId)) {
            return Result.invalid(badField(node, "event_id", "a UUID string"));
        }
        String runId = text(node, "run_id");
        if (runId == null || !isUuid(runId)) {
            return Result.invalid(badField(node, "run_id", "a UUID string"));
        }
        String timestamp = text(node, "timestamp");
        Long micros = timestamp == null ? null : parseMicros(timestamp);
        if (micros == null) {
            return Result.invalid(badField(node, "timestamp", "an ISO-8601 timestamp such as 2025-06-04T17:47:23.123456Z"));
        }
        String type = text(node, "event_type");
        WireSchema.Type spec = type == null ? null : schema.type(type);
        if (spec == null) {
            return Result.invalid(badField(node, "event_type", "one of the " + schema.eventTypes().size()
                    + " event types of the wire protocol"));
        }
        String userId = text(node, "user_id");
        if (userId == null || userId.isBlank()) {
            return Result.invalid(badField(node, "user_id", "a non-empty string"));
        }
        JsonNode parent = node.get("parent_event_id");
        String parentId = null;
        if (parent != null && !parent.isNull()) {
            if (!parent.isTextual() || !isUuid(parent.asText())) {
                return Result.invalid(badField(node, "parent_event_id", "a UUID string when present"));
            }
            parentId = parent.asText().toLowerCase(Locale.ROOT);
        }
        JsonNode metadata = node.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                return Result.invalid(badField(node, "metadata", "an object when present"));
            }
            for (var entry : metadata.properties()) {
                JsonNode v = entry.getValue();
                if (!(v.isTextual() || v.isNumber() || v.isBoolean())) {
                    return Result.invalid("metadata." + entry.getKey() + " must be a string, number or boolean, but was "
                            + describe(v));
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
        return Result.ok(extract(spec, payload, raw, eventId.toLowerCase(Locale.ROOT), runId.toLowerCase(Locale.ROOT),
                parentId, type, userId, micros));
    }

    private StoredEvent extract(WireSchema.Type spec, JsonNode payload, String raw, String eventId, String runId,
            @Nullable String parentId, String type, String userId, long micros) {
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
                completionTokens, totalTokens, cost, latency, schema.isError(spec, payload), raw);
    }

    /**
     * Parses an ISO-8601 timestamp to microseconds since the epoch. Accepts {@code Z}, an offset, or no zone (taken as
     * UTC, as older Python SDKs send {@code datetime.utcnow().isoformat()}).
     */
    public static @Nullable Long parseMicros(String s) {
        long fast = parseCanonicalMicros(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                instant = LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    /**
     * The common case without {@code java.time} parsing: {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 1–9 fraction digits, as
     * every SDK sends. Returns {@code Long.MIN_VALUE} for anything else (including out-of-range fields), which the
     * general parser then decides on.
     */
    private static long parseCanonicalMicros(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
            return Long.MIN_VALUE;
        }
        long micros = 0;
        if (n > 20) {
            int fractionDigits = n - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1) {
                return Long.MIN_VALUE;
            }
            int fraction = digits(s, 20, fractionDigits);
            if (fraction < 0) {
                return Long.MIN_VALUE;
            }
            long nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
            micros = nanos / 1_000;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return Long.MIN_VALUE;
        }
        return ((epochDay * 86_400 + hour * 3_600L + minute * 60L + second) * 1_000_000L) + micros;
    }

    /** The decimal value of {@code count} ASCII digits at {@code from}, or -1 if one is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Whether {@code s} is a UUID: 8-4-4-4-12 hexadecimal digits, either case. */
    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
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
