package com.insidellm.collector.otlp;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an OTLP span the receiver reads, decoded from protobuf or JSON. Attribute values are {@code String},
 * {@code Boolean}, {@code Long}, {@code Double}, {@code List<Object>} or {@code Map<String, Object>} (bytes become
 * base64 text). Internal.
 *
 * @param traceId 32 lowercase hex digits
 * @param spanId 16 lowercase hex digits
 * @param parentSpanId 16 lowercase hex digits, or {@code null} for a root span
 * @param statusCode 0 unset, 1 ok, 2 error
 * @param resource the attributes of the span's resource ({@code service.name}, ...)
 */
record OtlpSpan(String traceId, String spanId, @Nullable String parentSpanId, String name, int kind,
        long startNanos, long endNanos, Map<String, Object> attributes, List<Event> events, int statusCode,
        @Nullable String statusMessage, Map<String, Object> resource) {

    /** A span event. */
    record Event(String name, long timeNanos, Map<String, Object> attributes) {}

    static final int STATUS_ERROR = 2;

    @Nullable Object attr(String key) {
        return attributes.get(key);
    }

    /** Whether the span's status is ERROR. */
    boolean failed() {
        return statusCode == STATUS_ERROR;
    }
}
