package com.insidellm.collector.query;

import com.insidellm.collector.ingest.WireValues;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Query-string parameters with typed accessors that reject bad values with a clear message. Internal. */
public final class Params {

    private final Map<String, String> values;

    private Params(Map<String, String> values) {
        this.values = values;
    }

    /** Parses the query string of {@code uri}; for a repeated key the last value wins. */
    public static Params of(URI uri) {
        Map<String, String> map = new HashMap<>();
        String query = uri.getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                map.put(key, value);
            }
        }
        return new Params(map);
    }

    /** Parameters from a map, for callers that are not HTTP requests. */
    public static Params of(Map<String, String> values) {
        return new Params(new HashMap<>(values));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The value, or null when absent or blank. */
    public @Nullable String get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * The non-blank values of the keys that start with {@code prefix}, by the rest of the key ({@code meta.company_id=
     * acme} gives {@code company_id → acme} for prefix {@code meta.}).
     */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length() && !e.getValue().isBlank()) {
                out.put(e.getKey().substring(prefix.length()), e.getValue().trim());
            }
        }
        return out;
    }

    /** Comma-separated values, empty when absent. */
    public List<String> list(String key) {
        String v = get(key);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : Arrays.asList(v.split(","))) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    /** An integer within bounds, or the default when absent. */
    public int intValue(String key, int defaultValue, int min, int max) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new BadRequestException(key + " must be between " + min + " and " + max + ", but was " + v);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new BadRequestException(key + " must be an integer, but was " + v);
        }
    }

    /** A non-negative long, or null when absent. */
    public @Nullable Long longValue(String key) {
        String v = get(key);
        if (v == null) {
            return null;
        }
        try {
            long l = Long.parseLong(v);
            if (l < 0) {
                throw new BadRequestException(key + " must not be negative, but was " + v);
            }
            return l;
        } catch (NumberFormatException e) {
            throw new BadRequestException(key + " must be an integer, but was " + v);
        }
    }

    /** A boolean ({@code true}/{@code false}), or null when absent. */
    public @Nullable Boolean bool(String key) {
        String v = get(key);
        if (v == null) {
            return null;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new BadRequestException(key + " must be true or false, but was " + v);
        };
    }

    /** A time as microseconds since the epoch: ISO-8601, or epoch milliseconds; null when absent. */
    public @Nullable Long time(String key) {
        String v = get(key);
        if (v == null) {
            return null;
        }
        if (v.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(v) * 1000;
        }
        Long micros = WireValues.parseMicros(v);
        if (micros == null) {
            throw new BadRequestException(key + " must be an ISO-8601 time or epoch milliseconds, but was " + v);
        }
        return micros;
    }

    /** A request parameter that cannot be understood; answered with 400 and this message. */
    public static final class BadRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** Creates the exception with the message shown to the client. */
        public BadRequestException(String message) {
            super(message);
        }
    }
}
