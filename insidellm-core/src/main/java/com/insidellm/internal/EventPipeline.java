package com.insidellm.internal;

import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.EventProcessor;
import com.insidellm.EventType;
import com.insidellm.internal.processing.CostProcessor;
import com.insidellm.internal.processing.EventTruncator;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the flusher does to each event before it joins a batch: prices it and tells the listeners when it is an
 * {@code llm.response}, runs the processors, serialises it to its wire JSON
 * with its run's metadata, and brings it under the per-event byte limit by truncating its longest strings. An event
 * that does not make it is counted here with its {@link DropReason}. Internal; used by the flusher thread only.
 */
final class EventPipeline {

    private static final Logger log = LoggerFactory.getLogger(EventPipeline.class);

    /** How far the size estimate may overshoot (its fixed allowances for ids and keys): cut first only beyond. */
    private static final int ESTIMATE_ERROR = 1024;

    private final @Nullable CostProcessor cost;
    /** An array, not the list: iterating a {@code List.of} cost an iterator per event on the flusher. */
    private final EventProcessor[] processors;
    private final int maxEventBytes;
    private final RunRegistry runs;
    private final Accounting accounting;
    private final Listeners listeners;
    /**
     * The event whose JSON {@link #serialize} returned last: the processed event, or its truncated copy. A field
     * rather than a result pair, which cost an object per event on the flusher.
     */
    private @Nullable Event serialized;
    /** Kept for every event: its generator, buffers and rendered timestamp serve the next one. */
    private final WireWriter writer = new WireWriter();
    /** The thread {@link #writer} belongs to (the flusher); any other serialises with a writer of its own. */
    private @Nullable Thread writerThread;

    EventPipeline(@Nullable CostProcessor cost, List<EventProcessor> processors, int maxEventBytes, RunRegistry runs,
            Accounting accounting, Listeners listeners) {
        this.cost = cost;
        this.listeners = listeners;
        this.processors = processors.toArray(new EventProcessor[0]);
        this.maxEventBytes = maxEventBytes;
        this.runs = runs;
        this.accounting = accounting;
    }

    /**
     * Prices an {@code llm.response} (fills its cost from the price table) and tells the listeners about it, then runs
     * the processors; {@code null} when one filtered the event out or threw (counted, not a failure). Pricing comes
     * first so that the cost is computed once, for metrics that count every call and for the event that is sent.
     */
    @Nullable Event process(Event event) {
        try {
            // A payload described later (Event.Builder#payloadLater) is described here, on the flusher: one that
            // cannot be is dropped as invalid, never left to fail in a processor or the serialiser. Through the typed
            // payload, which describes it as payload() does without building the map the serialiser no longer needs.
            event.typedPayload();
        } catch (RuntimeException e) {
            accounting.drop(DropReason.INVALID_EVENT, event, "its payload could not be described: " + e);
            forgetEndedRun(event);
            return null;
        }
        Event current = event;
        if (event.type() == EventType.LLM_RESPONSE) {
            if (cost != null) {
                current = apply(cost, current, event);
                if (current == null) {
                    return null;
                }
            }
            if (!listeners.isEmpty()) {
                listeners.llmResponse(current);
            }
        }
        for (EventProcessor processor : processors) {
            current = apply(processor, current, event);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private @Nullable Event apply(EventProcessor processor, Event current, Event original) {
        Event next;
        try {
            next = processor.process(current);
        } catch (RuntimeException e) {
            accounting.drop(DropReason.PROCESSOR_ERROR, original, "processor " + processor.getClass().getName()
                    + " threw " + e.getClass().getName());
            forgetEndedRun(original);
            return null;
        }
        if (next == null) {
            accounting.drop(DropReason.FILTERED);
            forgetEndedRun(original);
        }
        return next;
    }

    /** A run.end that is not sent (sampled out, filtered) must still free its run's state. */
    private void forgetEndedRun(Event event) {
        if (event.type() == EventType.RUN_END) {
            runs.forget(event.runId());
        }
    }

    /**
     * Serialises a processed event within the byte limit, truncating its longest strings when it is over, and returns
     * its wire JSON; {@link #serializedEvent()} then is the event the JSON is of. {@code null} when it cannot be
     * serialised or does not fit (counted; the caller notes it undelivered). An event whose size estimate is already
     * over the limit is cut before it is serialised, so it is serialised once; only when the estimate was low
     * (non-ASCII text, application objects) is it cut by its real size and serialised again.
     */
    byte @Nullable [] serialize(Event processed) {
        serialized = null;
        Event event = processed;
        int estimate = processed.estimatedBytes();
        if (estimate > maxEventBytes + ESTIMATE_ERROR) {
            Event smaller = EventTruncator.truncate(processed, estimate, maxEventBytes);
            if (smaller != null) {
                log.debug("Truncated {} from about {} bytes before serialising it", processed, estimate);
                event = smaller;
            }
        }
        byte[] bytes = toJson(event);
        if (bytes == null) {
            return null;
        }
        if (bytes.length <= maxEventBytes) {
            serialized = event;
            return bytes;
        }
        Event smaller = EventTruncator.truncate(event, bytes.length, maxEventBytes);
        byte[] fitted = smaller == null ? null : toJson(smaller);
        if (fitted == null || fitted.length > maxEventBytes) {
            if (smaller == null || fitted != null) { // a failed serialisation was counted already
                accounting.drop(DropReason.EVENT_TOO_LARGE, processed, "its JSON is " + bytes.length
                        + " bytes, over the " + maxEventBytes + "-byte limit even with its longest strings truncated");
            }
            return null;
        }
        log.debug("Truncated {} from {} to {} bytes", processed, bytes.length, fitted.length);
        serialized = smaller;
        return fitted;
    }

    /** The event the JSON that {@link #serialize} returned last is of (it may have been truncated). */
    Event serializedEvent() {
        return java.util.Objects.requireNonNull(serialized, "nothing serialised");
    }

    private byte[] write(Event event) throws IOException {
        Thread current = Thread.currentThread();
        if (writerThread == null) {
            writerThread = current;
        }
        if (writerThread == current) {
            return writer.write(event, runs.metadata(event.runId()));
        }
        // Not the flusher (close() draining a client whose flusher never started): a writer of its own.
        try (WireWriter own = new WireWriter()) {
            return own.write(event, runs.metadata(event.runId()));
        }
    }

    private byte @Nullable [] toJson(Event event) {
        try {
            byte[] bytes = write(event);
            if (event.type() == EventType.RUN_END) {
                // Every earlier event of the run has been serialised (the queue is FIFO), so its state can go.
                runs.forget(event.runId());
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            accounting.drop(DropReason.SERIALIZATION_ERROR, event, e.getMessage());
            return null;
        }
    }
}
