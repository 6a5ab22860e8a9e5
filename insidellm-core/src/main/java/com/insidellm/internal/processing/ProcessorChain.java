package com.insidellm.internal.processing;

import com.insidellm.EventProcessor;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Assembles the processors a client runs on its flusher thread, in this order: sampling (cheapest, drops whole runs
 * first), the application's processors, the content filter, and redaction. Redaction runs after the application's
 * processors so that content they add is redacted too. Cost ({@link CostProcessor}) runs before all of them, once,
 * so that metrics see it for every call, sampled or not; the size cap after all of them, on the serialised event
 * ({@link EventTruncator}). Stateless.
 */
public final class ProcessorChain {

    private ProcessorChain() {
    }

    /** The chain for these settings; {@code processors} are the application's, in the order they were added. */
    public static List<EventProcessor> of(List<EventProcessor> processors, double sampleRate, boolean captureContent,
            @Nullable RedactionProcessor redaction) {
        List<EventProcessor> chain = new ArrayList<>();
        if (sampleRate < 1.0) {
            chain.add(new SamplingProcessor(sampleRate));
        }
        chain.addAll(processors);
        if (!captureContent) {
            chain.add(ContentFilter.INSTANCE);
        }
        if (redaction != null) {
            chain.add(redaction);
        }
        return List.copyOf(chain);
    }
}
