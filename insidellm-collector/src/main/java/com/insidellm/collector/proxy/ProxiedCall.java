package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One call through the gateway, as the recorder needs it: the client's request, where it went, and how it ended (an
 * answer in the OpenAI format, the OpenAI chunks of a stream, or an error). Filled in by the thread serving the call,
 * then handed to the {@link GatewayRecorder}, which parses and records it off the request path. Internal; confined to
 * one thread at a time.
 */
final class ProxiedCall {

    final ObjectNode request;
    final ProxyConfig.Route route;
    final @Nullable String userId;
    final @Nullable String runId;
    final boolean stream;
    final long startMicros;
    final long startNanos;

    long endMicros;
    long endNanos;
    /** The OpenAI-format answer of a non-streamed call. */
    byte @Nullable [] response;
    /** The OpenAI-format chunks of a streamed call, as JSON text, in order. */
    final List<String> chunks = new ArrayList<>();
    /** When the first content or tool-call delta arrived; 0 if none did. */
    long firstTokenNanos;
    /** HTTP status of a failed call (upstream's, or ours: 502, 504, 499 for a client that left). */
    int errorStatus;
    @Nullable String errorType;
    @Nullable String errorMessage;
    @Nullable String errorBody;

    ProxiedCall(ObjectNode request, ProxyConfig.Route route, @Nullable String userId, @Nullable String runId,
            boolean stream, long startMicros, long startNanos) {
        this.request = request;
        this.route = route;
        this.userId = userId;
        this.runId = runId;
        this.stream = stream;
        this.startMicros = startMicros;
        this.startNanos = startNanos;
    }

    void end(long micros, long nanos) {
        this.endMicros = micros;
        this.endNanos = nanos;
    }

    void fail(int status, String type, String message, @Nullable String body) {
        this.errorStatus = status;
        this.errorType = type;
        this.errorMessage = message;
        this.errorBody = body;
    }

    boolean failed() {
        return errorType != null;
    }
}
