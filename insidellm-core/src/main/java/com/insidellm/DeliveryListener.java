package com.insidellm;

import java.time.Duration;
import java.util.List;

/**
 * Hears what happens to events after they were logged, for logs, alerts and metrics ({@link InsideLlmMetrics} is
 * one). Add listeners with {@link InsideLlmClient.Builder#deliveryListener(DeliveryListener)}. Called on the client's
 * own threads (the flusher for events it processes or drops, the sender for delivered and failed ones), one call at
 * a time across all listeners of a client, never on the thread that logged the event; keep implementations fast. An
 * exception thrown here is logged and otherwise ignored. Every method does nothing by default.
 */
public interface DeliveryListener {

    /**
     * Called once by {@link InsideLlmClient.Builder#build()}, on the building thread, with the client this listener
     * belongs to, so that it can read {@link InsideLlmClient#stats()} later (metrics gauges do). Not called when the
     * builder returns the no-op client.
     */
    default void onClientBuilt(InsideLlmClient client) {
    }

    /**
     * An {@code llm.response} event was taken off the queue: called for every one, before sampling and the
     * application's processors, with its {@code cost} filled in from the client's {@link PriceTable} when the event
     * had none and the table knows the model. For metrics that must count every LLM call.
     */
    default void onLlmResponse(Event event) {
    }

    /**
     * One batch's delivery to one exporter ended, retries included: {@code success} when the exporter took every
     * event.
     */
    default void onExported(String exporter, int events, boolean success, Duration duration) {
    }

    /** The backend acknowledged these events. */
    default void onDelivered(List<Event> events) {
    }

    /** These events were given up on; {@code reason} says why (it never contains the API key). */
    default void onFailed(List<Event> events, String reason) {
    }

    /**
     * {@code count} events were dropped for {@code reason}. Drops that happen on the caller's thread (such as a full
     * queue) are reported here later, aggregated, so that logging never waits for a listener.
     */
    default void onDropped(DropReason reason, long count) {
    }

    /**
     * These {@code events} were dropped for {@code reason}, and {@code detail} says why: for
     * {@link DropReason#REJECTED}, the backend's reason (shortened). Called on the sender thread as it happens, for
     * drops of events the client still holds; {@link #onDropped(DropReason, long)} is not called again for them. By
     * default calls {@link #onDropped(DropReason, long)} with the number of events.
     */
    default void onDropped(DropReason reason, List<Event> events, String detail) {
        onDropped(reason, events.size());
    }
}
