package com.insidellm.collector.otlp;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads span attributes that several conventions name differently: the first of the given names that is set wins, so
 * the current GenAI name goes first and its deprecated, OpenInference and Spring AI forms after it. Stateless.
 */
final class SpanAttributes {

    private SpanAttributes() {}

    /** The user id attributes, in order of preference. */
    static final String[] USER_KEYS = {"user.id", "enduser.id", "langfuse.user.id"};

    static @Nullable String str(@Nullable Object v) {
        return v == null ? null : v instanceof String s ? s : String.valueOf(v);
    }

    static @Nullable String firstStr(OtlpSpan s, String... keys) {
        Object v = firstAttr(s, keys);
        return v == null ? null : v instanceof List<?> l ? (l.isEmpty() ? null : String.valueOf(l.get(0)))
                : String.valueOf(v);
    }

    static @Nullable Object firstAttr(OtlpSpan s, String... keys) {
        for (String k : keys) {
            Object v = s.attr(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    static @Nullable Long firstLong(OtlpSpan s, String... keys) {
        for (String k : keys) {
            Object v = s.attr(k);
            if (v instanceof Number n) {
                return n.longValue();
            }
            if (v instanceof String str) {
                try {
                    return Long.parseLong(str.trim());
                } catch (NumberFormatException ignored) {
                    // try the next name
                }
            }
        }
        return null;
    }

    static @Nullable Double firstDouble(OtlpSpan s, String... keys) {
        for (String k : keys) {
            if (s.attr(k) instanceof Number n) {
                return n.doubleValue();
            }
        }
        return null;
    }

    static @Nullable String eventAttr(OtlpSpan s, String eventName, String key) {
        for (OtlpSpan.Event e : s.events()) {
            if (e.name().equals(eventName) && e.attributes().get(key) != null) {
                return String.valueOf(e.attributes().get(key));
            }
        }
        return null;
    }
}
