package com.insidellm.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.Map;
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
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds > LAST_FAST_SECOND) {
            return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MICROS));
        }
        // By hand for 1970-9999 (every event): DateTimeFormatter took about a tenth of serialising an event.
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(days);
        char[] out = new char[27];
        digits(out, 0, date.getYear(), 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        out[19] = '.';
        digits(out, 20, instant.getNano() / 1000, 6);
        out[26] = 'Z';
        return new String(out);
    }

    /** 9999-12-31T23:59:59Z: beyond it the year has five digits and the formatter's sign rules apply. */
    private static final long LAST_FAST_SECOND = 253_402_300_799L;

    private static void digits(char[] out, int offset, int value, int count) {
        for (int i = offset + count - 1; i >= offset; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * Writes one event object in wire order. Each call sets up a writer of its own; the flusher keeps one
     * {@link WireWriter} for all its events instead.
     *
     * @param runMetadata metadata of the event's run, merged under the event's own metadata, or {@code null}
     * @throws IOException when a payload value cannot be serialised
     */
    public static byte[] writeEvent(String eventId, String runId, Instant timestamp, String eventType, String userId,
            @Nullable String parentEventId, @Nullable Map<String, ?> metadata, @Nullable Map<String, ?> runMetadata,
            Map<String, ?> payload) throws IOException {
        try (WireWriter writer = new WireWriter()) {
            return writer.write(eventId, runId, timestamp, eventType, userId, parentEventId, metadata, runMetadata,
                    payload);
        }
    }
}
