package com.insidellm.internal;

import com.insidellm.InsideLlmClient;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Reads one setting from outside the code: the system property {@code insidellm.<name>}, else the environment
 * variable {@code INSIDELLM_<NAME>}, parsed and checked, failing with the source and the bad value in the message.
 * Internal; immutable.
 */
final class SettingSource {

    private final Function<String, @Nullable String> environment;
    private final Function<String, @Nullable String> systemProperties;

    SettingSource(Function<String, @Nullable String> environment,
            Function<String, @Nullable String> systemProperties) {
        this.environment = environment;
        this.systemProperties = systemProperties;
    }

    /** Where a setting came from, for error messages. */
    private record Source(String value, String description) {
    }

    @Nullable Source source(String property, String env) {
        String fromProperty = systemProperties.apply("insidellm." + property);
        if (fromProperty != null) {
            return new Source(fromProperty.trim(), "system property insidellm." + property);
        }
        String fromEnv = environment.apply(env);
        if (fromEnv != null) {
            return new Source(fromEnv.trim(), "environment variable " + env);
        }
        return null;
    }

    @Nullable String lookup(String property, String env) {
        Source source = source(property, env);
        return source == null ? null : source.value();
    }

    boolean localMode() {
        Source source = source("mode", "INSIDELLM_MODE");
        if (source == null || source.value().isEmpty()) {
            return false;
        }
        return switch (source.value().toLowerCase(Locale.ROOT)) {
            case "local" -> true;
            case "remote", "api" -> false;
            default -> throw invalid(source, "must be 'local' or 'remote'");
        };
    }

    String url(String property, String env) {
        Source source = source(property, env);
        if (source == null || source.value().isEmpty()) {
            return InsideLlmClient.Builder.DEFAULT_BASE_URL;
        }
        if (HttpUrl.parse(source.value()) == null) {
            throw invalid(source, "must be an http or https URL");
        }
        return source.value();
    }

    boolean bool(String property, String env, boolean defaultValue) {
        Source source = source(property, env);
        if (source == null || source.value().isEmpty()) {
            return defaultValue;
        }
        return switch (source.value().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw invalid(source, "must be true or false");
        };
    }

    long number(String property, String env, long defaultValue, long min, long max) {
        Source source = source(property, env);
        if (source == null || source.value().isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(source.value().replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(source, "must be a whole number between " + min + " and " + max);
        }
        if (value < min || value > max) {
            throw invalid(source, "must be between " + min + " and " + max);
        }
        return value;
    }

    double decimal(String property, String env, double defaultValue, double min, double max) {
        Source source = source(property, env);
        if (source == null || source.value().isEmpty()) {
            return defaultValue;
        }
        double value;
        try {
            value = Double.parseDouble(source.value());
        } catch (NumberFormatException e) {
            throw invalid(source, "must be a number between " + min + " and " + max);
        }
        if (!(value >= min && value <= max)) {
            throw invalid(source, "must be between " + min + " and " + max);
        }
        return value;
    }

    /** Seconds as a number ("5", "0.5", the Python SDK's form), or a duration such as "500ms", "5s", "PT5S". */
    Duration seconds(String property, String env, Duration defaultValue) {
        Source source = source(property, env);
        if (source == null || source.value().isEmpty()) {
            return defaultValue;
        }
        Duration value = parseDuration(source.value());
        if (value == null || value.isNegative() || value.isZero()) {
            throw invalid(source, "must be a positive number of seconds (such as 5 or 0.5) or a duration such as "
                    + "500ms, 5s, 1m");
        }
        return value;
    }

    public static @Nullable Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
            }
            if (value.endsWith("s")) {
                value = value.substring(0, value.length() - 1).trim();
            } else if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            double seconds = Double.parseDouble(value);
            return Duration.ofNanos((long) (seconds * 1_000_000_000L));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static IllegalArgumentException invalid(Source source, String rule) {
        return new IllegalArgumentException(source.description() + " " + rule + ", but was '" + source.value() + "'");
    }

    static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
