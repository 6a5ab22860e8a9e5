package com.insidellm;

/**
 * Why an event was not delivered although the application logged it. Each reason is counted in
 * {@link ClientStats#droppedByReason()} and in the {@code insidellm.events.dropped} metric.
 */
public enum DropReason {
    /** The queue was at its event-count or byte limit. */
    QUEUE_FULL("queue_full"),
    /** The event was logged after {@link InsideLlmClient#close()}. */
    CLIENT_CLOSED("client_closed"),
    /** The event was {@code null} or not valid. */
    INVALID_EVENT("invalid_event"),
    /** The payload could not be turned into JSON. */
    SERIALIZATION_ERROR("serialization_error"),
    /** The event was over the size limit even after truncation, or the server rejected it alone as too large. */
    EVENT_TOO_LARGE("event_too_large"),
    /**
     * The backend refused the event itself as invalid (alone in a request answered 400 or 422, or listed in a 2xx
     * answer's {@code rejected}); it is never retried. The backend's reason is in {@code lastError()}.
     */
    REJECTED("rejected"),
    /** A processor (sampling, or one of the application's) removed the event. */
    FILTERED("filtered"),
    /** A processor threw while handling the event; it was dropped rather than sent unprocessed. */
    PROCESSOR_ERROR("processor_error"),
    /** {@code close()} ran out of time before the event could be delivered. */
    SHUTDOWN_TIMEOUT("shutdown_timeout"),
    /** The disk outbox was at its size bound; its oldest batches were deleted unsent to make room. */
    OUTBOX_FULL("outbox_full"),
    /** A batch waited in the disk outbox longer than its age bound and was deleted unsent. */
    OUTBOX_EXPIRED("outbox_expired");

    private final String tag;

    DropReason(String tag) {
        this.tag = tag;
    }

    /** The snake_case name used in logs and metric tags. */
    public String tag() {
        return tag;
    }

    @Override
    public String toString() {
        return tag;
    }
}
