package com.insidellm.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fast random version-4 UUID strings and UUID validation. Internal: not part of the public API.
 *
 * <p>{@link java.util.UUID#randomUUID()} draws from a shared {@code SecureRandom}, which costs hundreds of
 * nanoseconds and contends between threads; event ids only need to be unique, not unguessable, so they are drawn
 * from {@link ThreadLocalRandom}. Thread-safe.
 */
public final class Ids {

    private Ids() {
    }

    /** Returns a new random UUID in canonical lowercase form. */
    public static String randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        // UUID.toString writes the string's Latin-1 bytes directly into it (JDK-internal): about half the time and
        // allocation of building a char[] and compressing it, for an id generated on the flusher for every event.
        return new UUID(msb, lsb).toString();
    }

    /**
     * Returns {@code value} in canonical lowercase form if it is a UUID (8-4-4-4-12 hex digits, any case), or
     * {@code null} if it is not.
     */
    public static @org.jspecify.annotations.Nullable String canonicalUuidOrNull(String value) {
        if (value.length() != 36) {
            return null;
        }
        boolean lower = true;
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return null;
                }
            } else if (c >= 'A' && c <= 'F') {
                lower = false;
            } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return null;
            }
        }
        return lower ? value : value.toLowerCase(java.util.Locale.ROOT);
    }
}
