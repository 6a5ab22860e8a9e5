package com.insidellm.collector.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The wire schema, read from the SDK's {@code com/insidellm/wire-schema.json} (the one description that core's tests
 * hold against {@code EventType} and {@code Payload}): event types, their required payload fields and JSON types,
 * which field carries latency, which events are errors. The validator checks against it and the viewer fetches it
 * ({@code GET /api/v1/schema}). Internal. Immutable and thread-safe.
 */
public final class WireSchema {

    /** Where the schema lives on the classpath (in insidellm-core's jar). */
    public static final String RESOURCE = "/com/insidellm/wire-schema.json";

    /** A required payload field: its name, the JSON types it may have ({@code any} for all), and whether null is ok. */
    record Required(String name, Set<String> types, boolean nullable) {

        /** Null when {@code v} fits, else what it must be (for the rejection message). */
        @Nullable String problem(@Nullable JsonNode v) {
            if (v == null) {
                return expected();
            }
            if (v.isNull()) {
                return nullable ? null : expected();
            }
            if (types.contains("any")) {
                return null;
            }
            boolean ok = (types.contains("string") && v.isTextual()) || (types.contains("number") && v.isNumber())
                    || (types.contains("boolean") && v.isBoolean()) || (types.contains("object") && v.isObject())
                    || (types.contains("array") && v.isArray());
            return ok ? null : expected();
        }

        private String expected() {
            if (types.contains("any")) {
                return nullable ? "present (null allowed)" : "present and not null";
            }
            List<String> names = new ArrayList<>();
            for (String t : List.of("string", "number", "boolean", "object", "array")) {
                if (types.contains(t)) {
                    names.add(switch (t) {
                        case "object" -> "an object";
                        case "array" -> "a list";
                        default -> "a " + t;
                    });
                }
            }
            String joined = names.size() == 1 ? names.get(0)
                    : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
            return joined + (nullable ? " or null" : "");
        }
    }

    /** One event type's rules. */
    record Type(String name, List<Required> required, boolean error, @Nullable String latencyField) {}

    /** A payload condition that marks an event as an error; {@code eventType} null means every type. */
    record ErrorRule(@Nullable String eventType, String field, @Nullable JsonNode equals, @Nullable Double atLeast) {

        boolean matches(String type, JsonNode payload) {
            if (eventType != null && !eventType.equals(type)) {
                return false;
            }
            JsonNode v = payload.get(field);
            if (v == null || v.isNull()) {
                return false;
            }
            if (equals != null && !equals.equals(v)) {
                return false;
            }
            return atLeast == null || (v.isNumber() && v.asDouble() >= atLeast);
        }
    }

    private static final WireSchema INSTANCE = load();

    private final byte[] json;
    private final Map<String, Type> types;
    private final List<ErrorRule> errorRules;

    private WireSchema(byte[] json, Map<String, Type> types, List<ErrorRule> errorRules) {
        this.json = json;
        this.types = types;
        this.errorRules = errorRules;
    }

    /** The schema shipped with the SDK on the classpath. */
    public static WireSchema get() {
        return INSTANCE;
    }

    private static WireSchema load() {
        byte[] bytes;
        try (InputStream in = WireSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: insidellm-core must be on the classpath");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE + " is not valid JSON", e);
        }
        Map<String, Type> types = new LinkedHashMap<>();
        for (JsonNode t : root.get("event_types")) {
            List<Required> required = new ArrayList<>();
            for (JsonNode f : t.get("fields")) {
                if (f.path("required").asBoolean(false)) {
                    JsonNode type = f.get("type");
                    Set<String> names = new java.util.HashSet<>();
                    if (type.isArray()) {
                        type.forEach(n -> names.add(n.asText()));
                    } else {
                        names.add(type.asText());
                    }
                    required.add(new Required(f.get("name").asText(), Set.copyOf(names),
                            f.path("nullable").asBoolean(false)));
                }
            }
            String name = t.get("event_type").asText();
            JsonNode latency = t.get("latency_field");
            types.put(name, new Type(name, List.copyOf(required), t.path("error").asBoolean(false),
                    latency == null ? null : latency.asText()));
        }
        List<ErrorRule> rules = new ArrayList<>();
        for (JsonNode r : root.path("error_rules")) {
            JsonNode type = r.get("event_type");
            JsonNode atLeast = r.get("at_least");
            rules.add(new ErrorRule(type == null ? null : type.asText(), r.get("field").asText(), r.get("equals"),
                    atLeast == null ? null : atLeast.asDouble()));
        }
        return new WireSchema(bytes, java.util.Collections.unmodifiableMap(types), List.copyOf(rules));
    }

    /** The schema document as shipped, for the viewer. */
    public byte[] json() {
        return json.clone();
    }

    /** The event types, in the schema's order. */
    public Set<String> eventTypes() {
        return types.keySet();
    }

    @Nullable Type type(String name) {
        return types.get(name);
    }

    /** Whether an event counts as an error: its type says so or an error rule matches its payload. */
    boolean isError(Type type, JsonNode payload) {
        if (type.error()) {
            return true;
        }
        for (ErrorRule rule : errorRules) {
            if (rule.matches(type.name(), payload)) {
                return true;
            }
        }
        return false;
    }
}
