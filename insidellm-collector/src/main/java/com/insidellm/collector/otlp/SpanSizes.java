package com.insidellm.collector.otlp;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Estimated heap bytes of what the receiver remembers between requests: strings at two bytes a character (the worst
 * case of the JDK's compact strings) plus object overheads. An estimate that errs high, for bounding caches, not an
 * exact measure. A resource shared by the spans of one request is counted for each of them. Stateless.
 */
final class SpanSizes {

    /** Overhead of an object with a few fields (header, references), and of a map entry. */
    private static final long OBJECT = 48;

    private SpanSizes() {}

    static long of(String s) {
        return OBJECT + 2L * s.length();
    }

    static long of(OtlpSpan s) {
        long bytes = 2 * OBJECT + of(s.traceId()) + of(s.spanId()) + of(s.name()) + of(s.attributes())
                + of(s.resource());
        if (s.parentSpanId() != null) {
            bytes += of(s.parentSpanId());
        }
        if (s.statusMessage() != null) {
            bytes += of(s.statusMessage());
        }
        for (OtlpSpan.Event e : s.events()) {
            bytes += OBJECT + of(e.name()) + of(e.attributes());
        }
        return bytes;
    }

    private static long of(Map<?, ?> attributes) {
        long bytes = OBJECT;
        for (Map.Entry<?, ?> e : attributes.entrySet()) {
            bytes += OBJECT + value(e.getKey()) + value(e.getValue());
        }
        return bytes;
    }

    private static long value(@Nullable Object v) {
        if (v instanceof String s) {
            return of(s);
        }
        if (v instanceof Map<?, ?> m) {
            return of(m);
        }
        if (v instanceof List<?> list) {
            long bytes = OBJECT;
            for (Object item : list) {
                bytes += 8 + value(item);
            }
            return bytes;
        }
        return 24; // a boxed number or boolean (or null)
    }
}
