package com.insidellm.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The SDK's private JSON: the one {@link ObjectMapper} that writes the wire format, independent of any
 * application-wide Jackson configuration. Internal: not part of the public API. Thread-safe.
 */
public final class WireJson {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper MAPPER = createMapper();

    private WireJson() {
    }

    private static ObjectMapper createMapper() {
        SimpleModule module = new SimpleModule("insidellm-wire");
        // java.time and UUID values in payloads are written as their ISO/canonical strings, without needing the
        // jackson-datatype-jsr310 module on the classpath.
        module.addSerializer(TemporalAccessor.class, ToStringSerializer.instance);
        module.addSerializer(java.time.Duration.class, ToStringSerializer.instance);
        module.addSerializer(UUID.class, ToStringSerializer.instance);
        module.addSerializer(Instant.class, new com.fasterxml.jackson.databind.ser.std.StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen,
                    com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
                gen.writeString(formatTimestamp(value));
            }
        });
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(module);
        mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        mapper.disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        return mapper;
    }

    /** The mapper; callers must not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Formats an instant as UTC ISO-8601 with exactly six fractional digits and {@code Z}. */
    public static String formatTimestamp(Instant instant) {
        return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * Writes one event object in wire order.
     *
     * @param runMetadata metadata of the event's run, merged under the event's own metadata, or {@code null}
     * @throws IOException when a payload value cannot be serialised
     */
    public static byte[] writeEvent(String eventId, String runId, Instant timestamp, String eventType, String userId,
            @Nullable String parentEventId, @Nullable Map<String, ?> metadata, @Nullable Map<String, ?> runMetadata,
            Map<String, ?> payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
            gen.setCodec(MAPPER);
            gen.writeStartObject();
            gen.writeStringField("event_id", eventId);
            gen.writeStringField("run_id", runId);
            gen.writeStringField("timestamp", formatTimestamp(timestamp));
            gen.writeStringField("event_type", eventType);
            gen.writeStringField("user_id", userId);
            if (parentEventId != null) {
                gen.writeStringField("parent_event_id", parentEventId);
            }
            boolean hasRunMeta = runMetadata != null && !runMetadata.isEmpty();
            boolean hasMeta = metadata != null && !metadata.isEmpty();
            if (hasRunMeta || hasMeta) {
                gen.writeObjectFieldStart("metadata");
                if (hasRunMeta) {
                    for (Map.Entry<String, ?> entry : runMetadata.entrySet()) {
                        if (!hasMeta || !metadata.containsKey(entry.getKey())) {
                            gen.writeFieldName(entry.getKey());
                            MAPPER.writeValue(gen, entry.getValue());
                        }
                    }
                }
                if (hasMeta) {
                    for (Map.Entry<String, ?> entry : metadata.entrySet()) {
                        gen.writeFieldName(entry.getKey());
                        MAPPER.writeValue(gen, entry.getValue());
                    }
                }
                gen.writeEndObject();
            }
            gen.writeFieldName("payload");
            gen.writeStartObject();
            for (Map.Entry<String, ?> entry : payload.entrySet()) {
                gen.writeFieldName(entry.getKey());
                Object value = entry.getValue();
                if (value instanceof Optional<?> optional) {
                    value = optional.orElse(null);
                }
                MAPPER.writeValue(gen, value);
            }
            gen.writeEndObject();
            gen.writeEndObject();
        } catch (RuntimeException e) {
            // Getters that throw, self-references and the like surface as runtime exceptions from Jackson.
            throw new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
