package com.insidellm.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class WireValuesTest {

    private static final DateTimeFormatter CANONICAL =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void isoWritesTheCanonicalFormForEveryKindOfInstant() {
        long[] micros = {0L, 1L, 999_999L, 1_733_000_000_123_456L, 951_782_400_000_000L /* 2000-02-29 */,
                253_402_300_799_999_999L /* 9999-12-31T23:59:59.999999 */, -1L, -86_400_000_001L};
        for (long m : micros) {
            Instant instant = Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
            assertThat(WireValues.iso(m)).as("micros %d", m).isEqualTo(CANONICAL.format(instant));
        }
        assertThat(WireValues.iso(1_733_000_000_123_456L)).isEqualTo("2024-11-30T20:53:20.123456Z");
    }
}
