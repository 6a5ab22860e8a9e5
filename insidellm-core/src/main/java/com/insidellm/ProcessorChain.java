package com.insidellm;

import java.util.ArrayList;
import java.util.List;

/**
 * Assembles the processors a client runs on its flusher thread, in this order: sampling (cheapest, drops whole runs
 * first), the application's processors, the content filter, redaction, and cost. Redaction runs after the
 * application's processors so that content they add is redacted too. The size cap runs after all of them, on the
 * serialised event ({@link EventTruncator}). Stateless.
 */
final class ProcessorChain {

    private ProcessorChain() {
    }

    static List<EventProcessor> of(InsideLlmClient.Builder builder, PriceTable prices) {
        List<EventProcessor> chain = new ArrayList<>();
        if (builder.sampleRate < 1.0) {
            chain.add(new SamplingProcessor(builder.sampleRate));
        }
        chain.addAll(builder.processors);
        if (!builder.captureContent) {
            chain.add(ContentFilter.INSTANCE);
        }
        if (!builder.redactors.isEmpty()) {
            chain.add(new RedactionProcessor(builder.redactors));
        }
        if (!prices.models().isEmpty()) {
            chain.add(new CostProcessor(prices));
        }
        return List.copyOf(chain);
    }
}
