package com.insidellm.internal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Renders timestamps as {@link WireJson#formatTimestamp} does, to UTF-8 bytes, with the date and time of day
 * rendered once per second: a batch's events mostly share their second, and only the six digits of microseconds
 * change. Internal; one per writer, not thread-safe.
 */
final class WireTimestamp {

    /** The epoch second {@link #stamp} holds the date and time of day of. */
    private long second = Long.MIN_VALUE;
    private final byte[] stamp = new byte[27];

    /**
     * The timestamp's bytes (valid until the next call), or {@code null} outside the years 0000-9999, where the
     * formatter's longer form applies and the caller writes {@link WireJson#formatTimestamp} itself.
     */
    byte @Nullable [] render(Instant timestamp) {
        long epochSecond = timestamp.getEpochSecond();
        if (epochSecond != second) {
            String whole = WireJson.formatTimestamp(Instant.ofEpochSecond(epochSecond));
            if (whole.length() != stamp.length) {
                return null;
            }
            for (int i = 0; i < 20; i++) {
                stamp[i] = (byte) whole.charAt(i);
            }
            stamp[26] = 'Z';
            second = epochSecond;
        }
        int micros = timestamp.getNano() / 1000;
        for (int i = 25; i >= 20; i--) {
            stamp[i] = (byte) ('0' + micros % 10);
            micros /= 10;
        }
        return stamp;
    }
}
