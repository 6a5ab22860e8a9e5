package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds {@code com/insidellm/wire-schema.json} — the one wire-schema description the collector's validator and viewer
 * read — against {@link EventType} and {@link Payload}, so the three cannot drift apart.
 */
class WireSchemaTest {

    static JsonNode schema;
    static final Map<EventType, JsonNode> BY_TYPE = new EnumMap<>(EventType.class);

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = WireSchemaTest.class.getResourceAsStream("/com/insidellm/wire-schema.json")) {
            assertThat(in).as("wire-schema.json on the classpath").isNotNull();
            schema = new ObjectMapper().readTree(in);
        }
        for (JsonNode type : schema.get("event_types")) {
            BY_TYPE.put(EventType.fromWireValue(type.get("event_type").asText()), type);
        }
    }

    @Test
    void listsEveryEventTypeOnceInEnumOrder() {
        List<String> listed = new ArrayList<>();
        schema.get("event_types").forEach(t -> listed.add(t.get("event_type").asText()));
        assertThat(listed).containsExactlyElementsOf(
                java.util.Arrays.stream(EventType.values()).map(EventType::wireValue).toList());
    }

    @Test
    void fieldsMatchEventTypeNamesRequiredNullableAndDefaults() {
        for (EventType type : EventType.values()) {
            JsonNode fields = BY_TYPE.get(type).get("fields");
            assertThat(fields.size()).as(type + " field count").isEqualTo(type.payloadFields().size());
            for (int i = 0; i < fields.size(); i++) {
                JsonNode f = fields.get(i);
                EventType.PayloadField expected = type.payloadFields().get(i);
                String where = type + "." + expected.name();
                assertThat(f.get("name").asText()).as(type + " field " + i).isEqualTo(expected.name());
                assertThat(f.path("required").asBoolean(false)).as(where + " required").isEqualTo(expected.required());
                if (expected.required()) {
                    assertThat(f.path("nullable").asBoolean(false)).as(where + " nullable")
                            .isEqualTo(expected.nullable());
                }
                Object defaultValue = f.has("default")
                        ? (f.get("default").isBoolean() ? (Object) f.get("default").asBoolean() : f.get("default").asText())
                        : null;
                assertThat(defaultValue).as(where + " default").isEqualTo(expected.defaultValue());
            }
        }
    }

    @Test
    void fieldTypesAcceptEveryValueThePayloadRecordsProduce() throws Exception {
        Set<EventType> seen = java.util.EnumSet.noneOf(EventType.class);
        for (Class<?> record : Payload.class.getPermittedSubclasses()) {
            RecordComponent[] components = record.getRecordComponents();
            Payload sample = sample(record, components);
            EventType type = sample.type();
            seen.add(type);
            JsonNode fields = BY_TYPE.get(type).get("fields");
            assertThat(List.copyOf(sample.toMap().keySet())).as(record.getSimpleName() + " keys")
                    .containsExactlyElementsOf(names(fields));
            assertThat(components).as(record.getSimpleName() + " components").hasSize(fields.size());
            for (int i = 0; i < components.length; i++) {
                JsonNode f = fields.get(i);
                assertThat(snake(components[i].getName())).as(record.getSimpleName() + " component " + i)
                        .isEqualTo(f.get("name").asText());
                assertThat(accepts(f.get("type"), components[i].getType()))
                        .as("%s.%s: schema type %s must accept Java %s", type, f.get("name").asText(), f.get("type"),
                                components[i].getType().getSimpleName())
                        .isTrue();
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void errorFlagsAndLatencyFieldsNameRealFields() {
        for (EventType type : EventType.values()) {
            JsonNode t = BY_TYPE.get(type);
            assertThat(t.path("error").asBoolean(false)).as(type + " error").isEqualTo(type.isError());
            if (t.has("latency_field")) {
                String latency = t.get("latency_field").asText();
                JsonNode field = field(t, latency);
                assertThat(field).as(type + " latency field " + latency).isNotNull();
                assertThat(field.get("type").asText()).isEqualTo("number");
                assertThat(latency).endsWith("_ms");
            }
        }
        for (JsonNode rule : schema.get("error_rules")) {
            String name = rule.get("field").asText();
            if (rule.has("event_type")) {
                assertThat(field(BY_TYPE.get(EventType.fromWireValue(rule.get("event_type").asText())), name))
                        .as("error rule field " + name).isNotNull();
            } else {
                assertThat(BY_TYPE.values()).as("some type has " + name).anyMatch(t -> field(t, name) != null);
            }
        }
    }

    private static JsonNode field(JsonNode type, String name) {
        for (JsonNode f : type.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static List<String> names(JsonNode fields) {
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.get("name").asText()));
        return names;
    }

    private static String snake(String camel) {
        return camel.chars().mapToObj(c -> Character.isUpperCase(c) ? "_" + (char) Character.toLowerCase(c)
                : String.valueOf((char) c)).collect(Collectors.joining());
    }

    /** Whether a schema type admits every value of the Java type ({@code Object} components constrain nothing). */
    private static boolean accepts(JsonNode schemaType, Class<?> java) {
        if (schemaType.isArray()) {
            return java == Object.class;
        }
        return switch (schemaType.asText()) {
            case "any" -> true;
            case "string" -> java == String.class;
            case "number" -> java == long.class || java == int.class || java == double.class
                    || Number.class.isAssignableFrom(java);
            case "boolean" -> java == boolean.class || java == Boolean.class;
            case "object" -> Map.class.isAssignableFrom(java) || java == TokenUsage.class;
            case "array" -> List.class.isAssignableFrom(java);
            default -> false;
        };
    }

    private static Payload sample(Class<?> record, RecordComponent[] components) throws Exception {
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> t = components[i].getType();
            types[i] = t;
            values[i] = t == String.class || t == Object.class ? "x"
                    : t == long.class || t == Long.class ? (Object) 1L
                    : t == int.class || t == Integer.class ? (Object) 1
                    : t == double.class || t == Double.class || t == Number.class ? (Object) 1.0
                    : t == boolean.class || t == Boolean.class ? (Object) Boolean.TRUE
                    : Map.class.isAssignableFrom(t) ? Map.of()
                    : List.class.isAssignableFrom(t) ? List.of()
                    : null;
        }
        Constructor<?> canonical = record.getDeclaredConstructor(types);
        return (Payload) canonical.newInstance(values);
    }
}
