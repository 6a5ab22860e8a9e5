package com.insidellm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Holds {@link WireWriter} to the bytes of the serialiser it replaced: the generator Jackson makes for each event,
 * with {@code writeStringField} and the payload's map, which is kept here as the oracle. Random events of every type
 * go through one writer in a row, as on the flusher.
 */
class WireWriterTest {

    private static final String RUN = "11111111-1111-4111-8111-111111111111";

    /** The serialiser before {@link WireWriter}: a fresh generator per event, every value through Jackson. */
    private static byte[] oracle(Event e, Map<String, ?> runMetadata) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = WireJson.mapper().getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("event_id", e.eventId());
            gen.writeStringField("run_id", e.runId());
            gen.writeStringField("timestamp", WireJson.formatTimestamp(e.timestamp()));
            gen.writeStringField("event_type", e.type().wireValue());
            gen.writeStringField("user_id", e.userId());
            if (e.parentEventId() != null) {
                gen.writeStringField("parent_event_id", e.parentEventId());
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            if (runMetadata != null) {
                runMetadata.forEach((k, v) -> {
                    if (e.metadata() == null || !e.metadata().containsKey(k)) {
                        metadata.put(k, v);
                    }
                });
            }
            if (e.metadata() != null) {
                metadata.putAll(e.metadata());
            }
            if (!metadata.isEmpty()) {
                gen.writeFieldName("metadata");
                WireJson.mapper().writeValue(gen, metadata);
            }
            gen.writeFieldName("payload");
            gen.writeStartObject();
            for (Map.Entry<String, ?> entry : e.payload().entrySet()) {
                gen.writeFieldName(entry.getKey());
                Object value = entry.getValue() instanceof Optional<?> o ? o.orElse(null) : entry.getValue();
                WireJson.mapper().writeValue(gen, value);
            }
            gen.writeEndObject();
            gen.writeEndObject();
        }
        return out.toByteArray();
    }

    @Test
    void randomEventsOfEveryTypeAreWrittenByteForByteAsBefore() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        Set<EventType> covered = EnumSet.noneOf(EventType.class);
        int failures = 0;
        try (WireWriter writer = new WireWriter()) {
            for (int i = 0; i < 6_000; i++) {
                Event event = randomEvent(random);
                covered.add(event.type());
                Map<String, Object> runMetadata = random.nextInt(4) == 0 ? Map.of("env", "prod", "n", i) : null;
                String expected;
                try {
                    expected = new String(oracle(event, runMetadata), StandardCharsets.UTF_8);
                } catch (IOException | RuntimeException e) {
                    // What the old serialiser could not write (an Optional deep inside), the writer refuses too.
                    assertThatThrownBy(() -> writer.write(event, runMetadata)).as("event %d", i)
                            .isInstanceOf(IOException.class);
                    failures++;
                    continue;
                }
                assertThat(new String(writer.write(event, runMetadata), StandardCharsets.UTF_8)).as("event %d", i)
                        .isEqualTo(expected);
            }
        }
        assertThat(covered).isEqualTo(EnumSet.allOf(EventType.class));
        assertThat(failures).as("events both refused").isBetween(1, 1_000);
    }

    @Test
    void everyCharacterIsEncodedAndEscapedAsJacksonDoes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0xFFFF; c++) {
            all.append(c);
        }
        List<String> texts = new ArrayList<>();
        for (int from = 0; from < all.length(); from += 700) {
            texts.add(all.substring(from, Math.min(all.length(), from + 700)));
        }
        texts.add("pair 😀 ok");
        texts.add("lone \uD83D high");
        texts.add("lone \uDE00 low");
        texts.add("x".repeat(20_000)); // beyond the scratch buffers
        texts.add("é".repeat(6_000)); // the generator's buffer fills within the event
        texts.add("");
        try (WireWriter writer = new WireWriter()) {
            for (String text : texts) {
                Event event = Event.builder(EventType.CUSTOM_EVENT).runId(RUN).userId(text.isEmpty() ? "u" : text)
                        .payload(new Payload.Custom(text, Map.of(text, text))).metadata("m", text).build();
                assertThat(writer.write(event, null)).isEqualTo(oracle(event, null));
            }
        }
    }

    @Test
    void randomMixturesOfCharacterClassesAreEncodedAsJacksonDoes() throws Exception {
        String[] classes = {"plain text ", "\"", "\\", "\n", "\u0001", "\u007f", "é", "\u00ff", "\u0100", "’", "日",
            "\uffff", "😀", "\uD83D", "\uDE00", "?"};
        SplittableRandom random = new SplittableRandom(11);
        try (WireWriter writer = new WireWriter()) {
            for (int i = 0; i < 5_000; i++) {
                StringBuilder text = new StringBuilder();
                for (int n = random.nextInt(40); n > 0; n--) {
                    text.append(classes[random.nextInt(random.nextBoolean() ? 3 : classes.length)]);
                }
                Event event = Event.builder(EventType.CUSTOM_EVENT).runId(RUN).userId("u")
                        .payload(new Payload.Custom(text.toString(), null)).build();
                assertThat(writer.write(event, null)).as("%s", text).isEqualTo(oracle(event, null));
            }
        }
    }

    @Test
    void timestampsMatchTheFormatterAcrossSecondsAndOutsideTheFastRange() throws Exception {
        List<Instant> instants = List.of(Instant.parse("2025-06-04T17:47:23.123456789Z"),
                Instant.parse("2025-06-04T17:47:23.000001Z"), Instant.parse("2025-06-04T17:47:24Z"),
                Instant.parse("1969-12-31T23:59:59.999999Z"), Instant.parse("+10000-01-01T00:00:00.5Z"),
                Instant.parse("2025-06-04T17:47:24.999999999Z"), Instant.parse("-0001-03-01T00:00:00Z"));
        try (WireWriter writer = new WireWriter()) {
            for (Instant at : instants) {
                Event event = Event.builder(EventType.CUSTOM_EVENT).runId(RUN).userId("u").timestamp(at)
                        .payload(new Payload.Custom("t", null)).build();
                assertThat(writer.write(event, null)).as("%s", at).isEqualTo(oracle(event, null));
            }
        }
    }

    @Test
    void aValueThatFailsLeavesTheWriterReadyForTheNextEvent() throws Exception {
        Object broken = new Object() {
            @SuppressWarnings("unused")
            public String getValue() {
                throw new IllegalStateException("getter failed");
            }
        };
        Event bad = Event.builder(EventType.CUSTOM_EVENT).runId(RUN).userId("u")
                .payload(new Payload.Custom("bad", Map.of("x", broken))).build();
        Event good = Event.builder(EventType.CUSTOM_EVENT).runId(RUN).userId("u")
                .payload(new Payload.Custom("good", Map.of("x", 1))).build();
        try (WireWriter writer = new WireWriter()) {
            assertThat(writer.write(good, null)).isEqualTo(oracle(good, null));
            assertThatThrownBy(() -> writer.write(bad, null)).isInstanceOf(IOException.class)
                    .hasMessageContaining("getter failed");
            assertThat(writer.write(good, null)).isEqualTo(oracle(good, null));
        }
    }

    // ------------------------------------------------------------------ random events

    private static final String[] STRINGS = {"", "text", "quote \" and \\ and / and \n\t\r\b\f", "\u0000\u001f\u007f",
        "é ü ß", "日本語", "😀 emoji", "lone \uD800", "a?b"};

    private static Event randomEvent(SplittableRandom random) throws Exception {
        Class<?>[] types = Payload.class.getPermittedSubclasses();
        Class<?> type = types[random.nextInt(types.length)];
        Payload payload = randomPayload(type, random);
        Event.Builder builder = Event.builder(payload.type()).runId(RUN).userId(string(random, true))
                .payload(payload);
        if (random.nextBoolean()) {
            builder.timestamp(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(3), random.nextInt(1_000_000_000)));
        }
        if (random.nextInt(3) == 0) {
            builder.parentEventId(Ids.randomUuid());
        }
        if (random.nextInt(3) == 0) {
            builder.metadata("env", random.nextBoolean() ? "dev" : string(random, false)).metadata("n", random.nextInt());
        }
        if (random.nextInt(4) == 0) {
            builder.payloadEntry("extra_" + random.nextInt(3), value(random, 1));
        }
        return builder.build();
    }

    private static Payload randomPayload(Class<?> type, SplittableRandom random) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] classes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            classes[i] = components[i].getType();
        }
        Constructor<?> constructor = type.getDeclaredConstructor(classes);
        for (int attempt = 0; ; attempt++) {
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                args[i] = component(components[i].getGenericType(), random, attempt > 3);
            }
            try {
                return (Payload) constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                if (!(e.getCause() instanceof NullPointerException)) {
                    throw e;
                }
            }
        }
    }

    private static Object component(Type type, SplittableRandom random, boolean noNulls) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == int.class) {
            return random.nextInt();
        } else if (raw == long.class) {
            return random.nextLong();
        } else if (raw == boolean.class) {
            return random.nextBoolean();
        }
        if (!noNulls && random.nextInt(3) == 0) {
            return null;
        }
        if (raw == String.class) {
            return string(random, false);
        } else if (raw == Integer.class) {
            return random.nextInt();
        } else if (raw == Long.class) {
            return random.nextLong();
        } else if (raw == Double.class) {
            return random.nextDouble() * Math.pow(10, random.nextInt(-8, 25));
        } else if (raw == Number.class) {
            Object[] numbers = {random.nextInt(), random.nextLong(), random.nextDouble(), 1.5f,
                new BigDecimal("12.3400"), Double.NaN};
            return numbers[random.nextInt(numbers.length)];
        } else if (raw == TokenUsage.class) {
            return random.nextBoolean() ? TokenUsage.of(random.nextInt(1000), random.nextInt(1000))
                    : new TokenUsage(random.nextBoolean() ? 3 : null, random.nextBoolean() ? 4 : null,
                            random.nextBoolean() ? 9 : null, random.nextBoolean() ? 1 : null, null);
        } else if (raw == Map.class) {
            return map(random, 0);
        } else if (raw == List.class) {
            List<Object> list = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                list.add(type.getTypeName().contains("Map") ? map(random, 1) : string(random, false));
            }
            return list;
        }
        return value(random, 0);
    }

    private static Map<String, Object> map(SplittableRandom random, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            map.put(string(random, true), value(random, depth + 1));
        }
        return map;
    }

    private static Object value(SplittableRandom random, int depth) {
        switch (random.nextInt(depth > 5 ? 7 : 10)) {
            case 0: return string(random, false);
            case 1: return random.nextInt();
            case 2: return random.nextLong();
            case 3: return random.nextDouble();
            case 4: return random.nextBoolean();
            case 5: return Optional.of("wrapped");
            case 6: return Instant.ofEpochSecond(random.nextInt(), random.nextInt(1_000_000_000));
            case 7: return map(random, depth);
            case 8: return List.of(value(random, depth + 1), string(random, true));
            default: return java.util.Arrays.asList(1, null, "x");
        }
    }

    private static String string(SplittableRandom random, boolean nonEmpty) {
        String s = STRINGS[random.nextInt(STRINGS.length)] + (random.nextBoolean() ? random.nextInt() : "");
        return nonEmpty && s.isEmpty() ? "k" : s;
    }
}
