package com.insidellm.collector.otlp;

import static com.insidellm.collector.otlp.SpanAttributes.USER_KEYS;
import static com.insidellm.collector.otlp.SpanAttributes.firstStr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How a span's InsideLLM wire events are made: the envelope (ids derived from the trace and span ids, the run id from
 * the trace id, timestamp, user, service), and the content attributes, which the conventions write as JSON text, read
 * back as JSON. Thread-safe.
 */
final class WireEvents {

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ObjectMapper mapper;

    WireEvents(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A new empty JSON object. */
    ObjectNode objectNode() {
        return mapper.createObjectNode();
    }

    /** A new empty JSON array. */
    ArrayNode arrayNode() {
        return mapper.createArrayNode();
    }

    /** An event of span {@code s}, with an empty payload; {@code parent} is its parent event's id. */
    ObjectNode event(OtlpSpan s, String eventId, String type, long nanos, @Nullable String parent) {
        ObjectNode e = mapper.createObjectNode();
        e.put("event_id", eventId);
        e.put("run_id", runId(s.traceId()));
        e.put("timestamp", iso(nanos));
        e.put("event_type", type);
        e.put("user_id", userId(s));
        if (parent != null) {
            e.put("parent_event_id", parent);
        }
        Object service = s.resource().get("service.name");
        if (service != null) {
            e.putObject("metadata").put("service.name", String.valueOf(service)).put("source", "otlp");
        }
        e.putObject("payload");
        return e;
    }

    /** The payload object every event made by {@link #event} has. */
    static ObjectNode payload(ObjectNode event) {
        return (ObjectNode) event.get("payload");
    }

    private static String userId(OtlpSpan s) {
        String user = firstStr(s, USER_KEYS);
        if (user == null && s.resource().get("service.name") instanceof String service) {
            user = service;
        }
        return user == null || user.isBlank() ? "anonymous" : user;
    }

    static String runId(String traceId) {
        return traceId.substring(0, 8) + "-" + traceId.substring(8, 12) + "-" + traceId.substring(12, 16) + "-"
                + traceId.substring(16, 20) + "-" + traceId.substring(20);
    }

    /** A stable event id for one role of one span, so a request sent again is recognised as duplicates. */
    static String id(String traceId, @Nullable String spanId, String role) {
        return UUID.nameUUIDFromBytes((traceId + "/" + spanId + "/" + role).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static String iso(long nanos) {
        return ISO.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L)));
    }

    /** How long the span lasted, in whole milliseconds. */
    static long millis(OtlpSpan s) {
        return Math.max(0, (s.endNanos() - s.startNanos()) / 1_000_000L);
    }

    /** A JSON-string attribute parsed (content attributes are JSON text); other values as they are. */
    @Nullable Object parse(@Nullable Object v) {
        if (v instanceof String text) {
            String t = text.trim();
            if (t.startsWith("[") || t.startsWith("{")) {
                try {
                    return mapper.readValue(t, Object.class);
                } catch (java.io.IOException e) {
                    return text;
                }
            }
        }
        return v;
    }

    /** The text parts of a message's parts, joined; a string as it is. */
    @Nullable String textOfParts(@Nullable Object parts) {
        if (!(parts instanceof List<?> list)) {
            return parts instanceof String s ? s : null;
        }
        StringBuilder text = new StringBuilder();
        for (Object p : list) {
            if (p instanceof Map<?, ?> part && "text".equals(part.get("type"))) {
                text.append(part.get("content"));
            }
        }
        return text.toString();
    }

    /** The text of the first message. */
    @Nullable String textOfMessages(@Nullable Object messages) {
        if (messages instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> m) {
            return textOfParts(m.get("parts"));
        }
        return messages instanceof String s ? s : null;
    }

    /** A value (JSON text parsed) as a JSON node. */
    JsonNode json(@Nullable Object v) {
        return mapper.valueToTree(parse(v));
    }

    /** A value as a JSON object: an object as it is, anything else under {@code value}, nothing as {} . */
    JsonNode object(@Nullable Object v) {
        JsonNode n = json(v);
        return n.isObject() ? n : n.isNull() || n.isMissingNode() ? mapper.createObjectNode()
                : mapper.createObjectNode().set("value", n);
    }
}
