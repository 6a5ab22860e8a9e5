package com.insidellm;

import java.util.List;

/**
 * Hears what happens to events after they were logged. Called on the client's own threads (the flusher for events
 * it drops, the sender for delivered and failed ones), one call at a time, never on the thread that logged the
 * event; keep implementations fast. An exception thrown here is logged and otherwise ignored.
 */
public interface DeliveryListener {

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
