package com.insidellm.internal;

import com.insidellm.Event;

/**
 * Hears what a {@link BatchingClient}'s flusher does, for metrics. Free of Micrometer types, so that the client never
 * loads Micrometer classes unless {@code InsideLlmMetrics} is used. Called on the flusher and sender threads, possibly
 * at once; implementations must be thread-safe and fast, and must not throw (an exception is logged at DEBUG and ignored).
 */
public interface ClientObserver {

    /** One attempt series to deliver a batch to one exporter finished, successfully or not, in {@code nanos}. */
    void exported(String exporter, int events, boolean success, long nanos);

    /** An {@code llm.response} event is about to be processed (before sampling, redaction and cost filling). */
    void llmResponse(Event event);
}
