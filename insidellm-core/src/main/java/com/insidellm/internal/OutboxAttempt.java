package com.insidellm.internal;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one attempt at a batch spooled in the {@link Outbox} left ({@link OutboxSender.Send}). Internal.
 *
 * @param keep the events that could not be delivered now and must be kept: all of them when the backend is
 *     unavailable, none when every event was delivered or given up on for good (refused, rejected; the caller
 *     counts those)
 * @param serverWait how long the backend asked to wait before the next attempt ({@code Retry-After}, already
 *     capped by the delivery's rule), or {@code null}
 */
public record OutboxAttempt(List<byte[]> keep, @Nullable Duration serverWait) {

    private static final OutboxAttempt DELIVERED = new OutboxAttempt(List.of(), null);

    /** Every event was settled. */
    public static OutboxAttempt delivered() {
        return DELIVERED;
    }

    /** {@code keep} must stay, with no wait asked for. */
    public static OutboxAttempt keep(List<byte[]> keep) {
        return new OutboxAttempt(keep, null);
    }
}
