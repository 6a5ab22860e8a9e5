package com.insidellm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WireJsonTest {

    @Test
    void payloadValuesAreWrittenExactlyAsTheMapperWritesThem() throws Exception {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("role", "assistant");
        nested.put("content", null);
        nested.put("tool_calls", List.of(Map.of("id", "call_1"), List.of(1, 2.5, true)));
        Map<Object, Object> numberKeys = new LinkedHashMap<>();
        numberKeys.put(1, "one");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("text", "quote \" backslash \\ newline \n unicode é 😀 control \u0001");
        payload.put("int", 42);
        payload.put("long", 1L << 40);
        payload.put("double", 0.1 + 0.2);
        payload.put("big_double", 1e21);
        payload.put("nan", Double.NaN);
        payload.put("float", 1.5f);
        payload.put("bool", false);
        payload.put("null", null);
        payload.put("decimal", new BigDecimal("12.3400"));
        payload.put("instant", Instant.parse("2025-06-04T17:47:23.123456Z"));
        payload.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        payload.put("nested", nested);
        payload.put("number_keys", numberKeys);
        payload.put("array_list", Arrays.asList("a", null));
        payload.put("deep", Map.of("a", Map.of("b", Map.of("c", Map.of("d", Map.of("e", List.of("f")))))));

        byte[] bytes = WireJson.writeEvent("123e4567-e89b-12d3-a456-426614174000",
                "123e4567-e89b-12d3-a456-426614174001", Instant.parse("2025-06-04T17:47:23Z"), "custom.event", "u",
                null, null, null, payload);

        String json = new String(bytes, StandardCharsets.UTF_8);
        assertThat(json).endsWith("\"payload\":"
                + new String(WireJson.mapper().writeValueAsBytes(payload), StandardCharsets.UTF_8) + "}");
    }

    @Test
    void timestampsAreUtcWithMicrosecondsForAnyInstant() {
        java.time.format.DateTimeFormatter reference = java.time.format.DateTimeFormatter
                .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        List<Instant> instants = new java.util.ArrayList<>(List.of(Instant.EPOCH,
                Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("2000-02-29T12:00:00.000001Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("2025-06-04T17:47:23.123456789Z")));
        for (int i = 0; i < 10_000; i++) {
            instants.add(Instant.ofEpochSecond(random.nextLong(-100_000_000_000L, 300_000_000_000L),
                    random.nextInt(1_000_000_000)));
        }
        for (Instant instant : instants) {
            assertThat(WireJson.formatTimestamp(instant)).as("%s", instant)
                    .isEqualTo(reference.format(instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS)));
        }
    }
}
