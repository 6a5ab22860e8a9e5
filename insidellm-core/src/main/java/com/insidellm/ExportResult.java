package com.insidellm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one {@link EventExporter#export} attempt. Immutable.
 *
 * @param status what happened
 * @param message a short description for logs and {@link ClientStats#lastError()}, or {@code null} on success
 * @param retryAfter how long the destination asked the client to wait before retrying, or {@code null}
 * @param rejected on {@link Status#SUCCESS}, the events of the batch the destination accepted the request for but
 *     refused one by one (our collector answers so); empty otherwise
 */
public record ExportResult(Status status, @Nullable String message, @Nullable Duration retryAfter,
        List<Rejection> rejected) {

    private static final ExportResult SUCCESS = new ExportResult(Status.SUCCESS, null, null);

    public ExportResult {
        Objects.requireNonNull(status, "status");
        rejected = List.copyOf(rejected);
    }

    /** A result that refuses no event individually. */
    public ExportResult(Status status, @Nullable String message, @Nullable Duration retryAfter) {
        this(status, message, retryAfter, List.of());
    }

    /**
     * One event of a batch that the destination refused on its own.
     *
     * @param index the event's position in the batch handed to {@link EventExporter#export}
     * @param reason why, as the destination said it (shortened by the client before it is logged or reported)
     */
    public record Rejection(int index, String reason) {
        public Rejection {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** What happened to an export attempt. */
    public enum Status {
        /** Delivered. */
        SUCCESS,
        /** A transient failure (I/O error, 408, 429, 5xx): the client retries with backoff. */
        RETRYABLE,
        /** The batch is too large (413): the client splits it and sends the halves. */
        TOO_LARGE,
        /**
         * The destination refused the request because of what is in it (400, 422): one or more events are not valid
         * for it. The client halves the batch and sends the halves until each refused event stands alone, then drops
         * that event as {@link DropReason#REJECTED} (never retried) and delivers every other one. A batch of
         * {@code n} events with {@code k} refused costs at most {@code 2·k·⌈log₂ n⌉} extra requests, never more
         * than {@code 2n − 2}; event ids never change, so a server that de-duplicates sees no duplicates.
         */
        INVALID,
        /** The destination refused the batch (404 and other 4xx): the client gives up on it. */
        REJECTED,
        /** The credentials were refused (401, 403): the client gives up on the batch and reports it once. */
        UNAUTHORIZED
    }

    /** The batch was delivered. */
    public static ExportResult success() {
        return SUCCESS;
    }

    /** A transient failure; {@code retryAfter} is the destination's requested wait, or {@code null}. */
    public static ExportResult retryable(String message, @Nullable Duration retryAfter) {
        return new ExportResult(Status.RETRYABLE, message, retryAfter);
    }

    /**
     * The batch was delivered except the {@code rejected} events, which the destination refused one by one; the
     * client counts those as dropped ({@link DropReason#REJECTED}), not sent.
     */
    public static ExportResult partiallyRejected(List<Rejection> rejected) {
        return rejected.isEmpty() ? SUCCESS : new ExportResult(Status.SUCCESS, null, null, rejected);
    }

    /** The destination refused the request because some of its events are not valid (see {@link Status#INVALID}). */
    public static ExportResult invalid(String message) {
        return new ExportResult(Status.INVALID, message, null);
    }

    /** The batch was too large for the destination. */
    public static ExportResult tooLarge(String message) {
        return new ExportResult(Status.TOO_LARGE, message, null);
    }

    /** The destination refused the batch for good. */
    public static ExportResult rejected(String message) {
        return new ExportResult(Status.REJECTED, message, null);
    }

    /** The destination refused the credentials. */
    public static ExportResult unauthorized(String message) {
        return new ExportResult(Status.UNAUTHORIZED, message, null);
    }

    /** Whether the batch was delivered. */
    public boolean isSuccess() {
        return status == Status.SUCCESS;
    }
}
