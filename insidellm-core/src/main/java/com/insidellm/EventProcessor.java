package com.insidellm;

import org.jspecify.annotations.Nullable;

/**
 * Changes or removes events before they are serialised: redaction, sampling, enrichment. Processors run on the
 * client's flusher thread, in the order they were added, never on the thread that logged the event.
 *
 * <p>An event a processor returns {@code null} for is dropped and counted as {@link DropReason#FILTERED}. A processor
 * that throws fails closed: the event is dropped (counted as {@link DropReason#PROCESSOR_ERROR}), never sent as it was.
 */
@FunctionalInterface
public interface EventProcessor {

    /** Returns the event to send (the same one, a changed copy via {@link Event#toBuilder()}), or {@code null}. */
    @Nullable Event process(Event event);
}
