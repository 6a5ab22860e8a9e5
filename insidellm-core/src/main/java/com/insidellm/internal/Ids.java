package com.insidellm.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Fast UUID strings (random version 4 for run ids, time-ordered version 7 for event ids) and UUID validation.
 * Internal: not part of the public API.
 *
 * <p>{@link java.util.UUID#randomUUID()} draws from a shared {@code SecureRandom}, which costs hundreds of
 * nanoseconds and contends between threads; event ids only need to be unique, not unguessable, so they are drawn
 * from {@link ThreadLocalRandom}. Thread-safe.
 */
public final class Ids {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** Returns a new random (version-4) UUID in canonical lowercase form. */
    public static String randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        return format(msb, randomVariantBits(random));
    }

    /**
     * Returns a new time-ordered (version-7, RFC 9562) UUID in canonical lowercase form: the current Unix time in
     * milliseconds in the first 48 bits, then 74 random bits. Ids created later sort after earlier ones (within a
     * millisecond in random order), so a store's unique index on event ids grows at its end instead of touching a
     * random page for every insert. Used for event ids; run ids stay version 4 because sampling reads their first
     * bits as a random number.
     */
    public static String timeOrderedUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
        return format(msb, randomVariantBits(random));
    }

    private static long randomVariantBits(ThreadLocalRandom random) {
        return (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    }

    private static String format(long msb, long lsb) {
        char[] out = new char[36];
        writeHex(out, 0, msb >>> 32, 8);
        out[8] = '-';
        writeHex(out, 9, msb >>> 16, 4);
        out[13] = '-';
        writeHex(out, 14, msb, 4);
        out[18] = '-';
        writeHex(out, 19, lsb >>> 48, 4);
        out[23] = '-';
        writeHex(out, 24, lsb, 12);
        return new String(out);
    }

    private static void writeHex(char[] out, int offset, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            out[offset + i] = HEX[(int) value & 0xf];
            value >>>= 4;
        }
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
