package com.insidellm;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/** The resolved, validated settings of a client: builder, else system property, else environment, else default. */
final class Config {

    final boolean enabled;
    final @Nullable String apiKey;
    final String baseUrl;
    final int batchSize;
    final Duration flushInterval;
    final int maxQueueSize;
    final long maxQueueBytes;
    final long maxBatchBytes;
    final int maxEventBytes;
    final int maxRetries;
    final double backoffFactor;
    final Duration initialBackoff;
    final Duration maxBackoff;
    final Duration requestTimeout;
    final Duration closeTimeout;
    final Duration circuitOpenDuration;
    final @Nullable OkHttpClient httpClient;
    final boolean gzip;
    final DropPolicy dropPolicy;
    final boolean strict;
    final boolean shutdownHook;
    final boolean localMode;
    final Path localDirectory;
    final DeliveryListener deliveryListener;
    final List<EventExporter> exporters;
    final List<EventProcessor> processors;
    final PriceTable prices;
    final @Nullable RedactionProcessor redaction;
    final Clock clock;
    final Sleeper sleeper;

    private final Function<String, @Nullable String> environment;
    private final Function<String, @Nullable String> systemProperties;

    private Config(InsideLlmClient.Builder b) {
        this.environment = b.environment;
        this.systemProperties = b.systemProperties;
        this.enabled = b.enabled != null ? b.enabled : bool("enabled", "INSIDELLM_ENABLED", true);
        this.apiKey = b.apiKey != null ? b.apiKey : blankToNull(lookup("api-key", "INSIDELLM_API_KEY"));
        this.baseUrl = b.baseUrl != null ? b.baseUrl : url("base-url", "INSIDELLM_BASE_URL");
        this.batchSize = b.batchSize != null ? b.batchSize
                : (int) number("batch-size", "INSIDELLM_BATCH_SIZE", InsideLlmClient.Builder.DEFAULT_BATCH_SIZE, 1,
                        10_000);
        this.flushInterval = b.flushInterval != null ? b.flushInterval
                : seconds("flush-interval", "INSIDELLM_AUTO_FLUSH_INTERVAL",
                        InsideLlmClient.Builder.DEFAULT_FLUSH_INTERVAL);
        this.maxQueueSize = b.maxQueueSize != null ? b.maxQueueSize
                : (int) number("max-queue-size", "INSIDELLM_MAX_QUEUE_SIZE",
                        InsideLlmClient.Builder.DEFAULT_MAX_QUEUE_SIZE, 1, 10_000_000);
        this.maxQueueBytes = b.maxQueueBytes;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxEventBytes = b.maxEventBytes;
        this.maxRetries = b.maxRetries != null ? b.maxRetries
                : (int) number("max-retries", "INSIDELLM_MAX_RETRIES", InsideLlmClient.Builder.DEFAULT_MAX_RETRIES, 0,
                        100);
        this.backoffFactor = b.backoffFactor != null ? b.backoffFactor
                : decimal("backoff-factor", "INSIDELLM_BACKOFF_FACTOR", InsideLlmClient.Builder.DEFAULT_BACKOFF_FACTOR,
                        1.0, 10.0);
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.requestTimeout = b.requestTimeout != null ? b.requestTimeout
                : seconds("request-timeout", "INSIDELLM_REQUEST_TIMEOUT",
                        InsideLlmClient.Builder.DEFAULT_REQUEST_TIMEOUT);
        this.closeTimeout = b.closeTimeout;
        this.circuitOpenDuration = b.circuitOpenDuration;
        this.httpClient = b.httpClient;
        this.gzip = b.gzip != null ? b.gzip : bool("gzip", "INSIDELLM_GZIP", !isLoopback(baseUrl));
        this.dropPolicy = b.dropPolicy;
        this.strict = b.strict != null ? b.strict : bool("strict", "INSIDELLM_RAISE_ON_ERROR", false);
        this.shutdownHook = b.shutdownHook;
        this.localMode = b.localMode != null ? b.localMode : mode();
        String dir = lookup("local-directory", "INSIDELLM_LOCAL_DIR");
        this.localDirectory = b.localDirectory != null ? b.localDirectory
                : dir != null && !dir.isBlank() ? Path.of(dir) : InsideLlmClient.Builder.DEFAULT_LOCAL_DIRECTORY;
        this.deliveryListener = b.deliveryListener;
        this.exporters = List.copyOf(b.exporters);
        this.prices = b.prices != null ? b.prices : PriceTable.defaults();
        this.redaction = b.redactors.isEmpty() ? null : new RedactionProcessor(b.redactors);
        this.processors = ProcessorChain.of(b,
                b.sampleRate != null ? b.sampleRate : decimal("sample-rate", "INSIDELLM_SAMPLE_RATE", 1.0, 0.0, 1.0),
                b.captureContent != null ? b.captureContent
                        : bool("capture-content", "INSIDELLM_CAPTURE_CONTENT", true),
                prices, redaction);
        this.clock = b.clock;
        this.sleeper = b.sleeper;
        if (enabled && apiKey == null && !localMode && exporters.isEmpty()) {
            throw new IllegalArgumentException("No InsideLLM API key: set one with InsideLlmClient.builder().apiKey(...), "
                    + "the system property insidellm.api-key or the environment variable INSIDELLM_API_KEY; "
                    + "or record to local files without a key with localMode() or INSIDELLM_MODE=local");
        }
    }

    static Config resolve(InsideLlmClient.Builder builder) {
        return new Config(builder);
    }

    /** Where a setting came from, for error messages. */
    private record Source(String value, String description) {
    }

    private @Nullable Source source(String property, String env) {
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

    private @Nullable String lookup(String property, String env) {
        Source source = source(property, env);
        return source == null ? null : source.value();
    }

    private boolean mode() {
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

    /** Whether {@code url}'s host is a loopback address, judged from the text alone (no name lookup). */
    static boolean isLoopback(String url) {
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            return false;
        }
        String host = parsed.host();
        return host.equals("localhost") || host.equals("::1") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private String url(String property, String env) {
        Source source = source(property, env);
        if (source == null || source.value().isEmpty()) {
            return InsideLlmClient.Builder.DEFAULT_BASE_URL;
        }
        if (HttpUrl.parse(source.value()) == null) {
            throw invalid(source, "must be an http or https URL");
        }
        return source.value();
    }

    private boolean bool(String property, String env, boolean defaultValue) {
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

    private long number(String property, String env, long defaultValue, long min, long max) {
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

    private double decimal(String property, String env, double defaultValue, double min, double max) {
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
    private Duration seconds(String property, String env, Duration defaultValue) {
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

    static @Nullable Duration parseDuration(String text) {
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

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static int checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    static long checkRange(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    static double checkRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    static Duration checkPositive(String name, Duration value) {
        if (value == null) {
            throw new NullPointerException(name);
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
        return value;
    }

    static String checkUrl(String name, String value) {
        if (HttpUrl.parse(value) == null) {
            throw new IllegalArgumentException(name + " must be an http or https URL, but was '" + value + "'");
        }
        return value;
    }
}
