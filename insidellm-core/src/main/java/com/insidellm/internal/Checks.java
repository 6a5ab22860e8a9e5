package com.insidellm.internal;

import java.time.Duration;
import okhttp3.HttpUrl;

/**
 * The builder's argument checks: each fails at once with the setting's name and the bad value in the message.
 * Internal; stateless.
 */
public final class Checks {

    private Checks() {
    }

    public static int checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    public static long checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    public static double checkRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    public static String checkNotEmpty(String name, String value) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    public static Duration checkPositive(String name, Duration value) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
        return value;
    }

    public static String checkUrl(String name, String value) {
        if (HttpUrl.parse(value) == null) {
            throw new IllegalArgumentException(name + " must be an http or https URL, but was '" + value + "'");
        }
        return value;
    }
}
