package com.insidellm.collector.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes an OTLP {@code ExportTraceServiceRequest} in the OTLP/JSON encoding: lowerCamelCase field names (the
 * protobuf names are accepted too), trace and span ids as hex, 64-bit integers as strings or numbers, enums as
 * integers (their names are accepted too). Stateless.
 */
final class OtlpJson {

    private OtlpJson() {}

    static List<OtlpSpan> decode(JsonNode root) {
        if (!root.isObject()) {
            throw new OtlpProtobuf.MalformedException("an OTLP/JSON body is an object with resourceSpans");
        }
        List<OtlpSpan> spans = new ArrayList<>();
        for (JsonNode rs : array(root, "resourceSpans", "resource_spans")) {
            JsonNode resourceNode = field(rs, "resource", "resource");
            Map<String, Object> resource = resourceNode == null ? Map.of()
                    : attributes(field(resourceNode, "attributes", "attributes"));
            for (JsonNode ss : array(rs, "scopeSpans", "scope_spans")) {
                for (JsonNode s : array(ss, "spans", "spans")) {
                    spans.add(span(s, resource));
                }
            }
        }
        return spans;
    }

    private static OtlpSpan span(JsonNode s, Map<String, Object> resource) {
        String traceId = id(field(s, "traceId", "trace_id"));
        String spanId = id(field(s, "spanId", "span_id"));
        if (traceId == null || traceId.length() != 32 || spanId == null || spanId.length() != 16) {
            throw new OtlpProtobuf.MalformedException("a span must have a 32-hex-digit traceId and a 16-hex-digit"
                    + " spanId");
        }
        String parent = id(field(s, "parentSpanId", "parent_span_id"));
        if (parent != null && (parent.isEmpty() || parent.chars().allMatch(c -> c == '0'))) {
            parent = null;
        }
        List<OtlpSpan.Event> events = new ArrayList<>();
        for (JsonNode e : array(s, "events", "events")) {
            events.add(new OtlpSpan.Event(text(field(e, "name", "name"), ""),
                    number(field(e, "timeUnixNano", "time_unix_nano")), attributes(field(e, "attributes",
                            "attributes"))));
        }
        JsonNode status = field(s, "status", "status");
        int code = 0;
        String message = null;
        if (status != null) {
            code = enumValue(field(status, "code", "code"), "STATUS_CODE_", List.of("UNSET", "OK", "ERROR"));
            message = text(field(status, "message", "message"), null);
        }
        return new OtlpSpan(traceId, spanId, parent, text(field(s, "name", "name"), ""),
                enumValue(field(s, "kind", "kind"), "SPAN_KIND_", List.of("UNSPECIFIED", "INTERNAL", "SERVER",
                        "CLIENT", "PRODUCER", "CONSUMER")),
                number(field(s, "startTimeUnixNano", "start_time_unix_nano")),
                number(field(s, "endTimeUnixNano", "end_time_unix_nano")),
                attributes(field(s, "attributes", "attributes")), events, code,
                message == null || message.isEmpty() ? null : message, resource);
    }

    private static Map<String, Object> attributes(@Nullable JsonNode list) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (list == null || !list.isArray()) {
            return out;
        }
        for (JsonNode kv : list) {
            JsonNode key = kv.get("key");
            Object value = anyValue(kv.get("value"));
            if (key != null && key.isTextual() && value != null) {
                out.put(key.asText(), value);
            }
        }
        return out;
    }

    private static @Nullable Object anyValue(@Nullable JsonNode v) {
        if (v == null || !v.isObject()) {
            return null;
        }
        JsonNode n;
        if ((n = field(v, "stringValue", "string_value")) != null) {
            return n.asText();
        }
        if ((n = field(v, "boolValue", "bool_value")) != null) {
            return n.isBoolean() ? n.booleanValue() : Boolean.parseBoolean(n.asText());
        }
        if ((n = field(v, "intValue", "int_value")) != null) {
            return number(n);
        }
        if ((n = field(v, "doubleValue", "double_value")) != null) {
            return n.isNumber() ? n.doubleValue() : Double.parseDouble(n.asText());
        }
        if ((n = field(v, "arrayValue", "array_value")) != null) {
            List<Object> list = new ArrayList<>();
            for (JsonNode item : array(n, "values", "values")) {
                Object o = anyValue(item);
                if (o != null) {
                    list.add(o);
                }
            }
            return list;
        }
        if ((n = field(v, "kvlistValue", "kvlist_value")) != null) {
            return attributes(field(n, "values", "values"));
        }
        if ((n = field(v, "bytesValue", "bytes_value")) != null) {
            return n.asText();
        }
        return null;
    }

    private static @Nullable JsonNode field(JsonNode node, String camel, String snake) {
        JsonNode v = node.get(camel);
        if (v == null && !camel.equals(snake)) {
            v = node.get(snake);
        }
        return v == null || v.isNull() ? null : v;
    }

    private static Iterable<JsonNode> array(JsonNode node, String camel, String snake) {
        JsonNode v = field(node, camel, snake);
        return v != null && v.isArray() ? v : List.of();
    }

    private static @Nullable String id(@Nullable JsonNode v) {
        return v == null ? null : v.asText().toLowerCase(Locale.ROOT);
    }

    private static @Nullable String text(@Nullable JsonNode v, @Nullable String fallback) {
        return v == null ? fallback : v.asText();
    }

    private static long number(@Nullable JsonNode v) {
        if (v == null) {
            return 0;
        }
        if (v.isNumber()) {
            return v.longValue();
        }
        try {
            return Long.parseLong(v.asText().trim());
        } catch (NumberFormatException e) {
            throw new OtlpProtobuf.MalformedException("not an integer: " + v);
        }
    }

    private static int enumValue(@Nullable JsonNode v, String prefix, List<String> names) {
        if (v == null) {
            return 0;
        }
        if (v.isNumber()) {
            return v.intValue();
        }
        String name = v.asText().toUpperCase(Locale.ROOT);
        int i = names.indexOf(name.startsWith(prefix) ? name.substring(prefix.length()) : name);
        return Math.max(i, 0);
    }
}
