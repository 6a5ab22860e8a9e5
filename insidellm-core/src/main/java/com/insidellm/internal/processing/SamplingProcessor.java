package com.insidellm.internal.processing;

import com.insidellm.Event;
import com.insidellm.EventProcessor;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a share of runs, decided from the run id alone, so that every event of a run is kept or dropped together,
 * by every client and process that sees the run. Error events ({@link EventType#isError()}) are always kept. Dropped
 * events count as {@link DropReason#FILTERED}. Immutable and thread-safe.
 */
public final class SamplingProcessor implements EventProcessor {

    private final double rate;

    public SamplingProcessor(double rate) {
        this.rate = rate;
    }

    @Override
    public @Nullable Event process(Event event) {
        return event.type().isError() || keeps(event.runId(), rate) ? event : null;
    }

    /**
     * Whether a run is sampled at {@code rate}: the run id's first 32 bits (its first eight hex digits, random in a
     * version-4 UUID) as a fraction of 2<sup>32</sup>, compared with the rate.
     */
    public static boolean keeps(String runId, double rate) {
        if (rate >= 1.0) {
            return true;
        }
        long bits = Long.parseLong(runId.substring(0, 8), 16);
        return bits < (long) (rate * 4_294_967_296.0);
    }
}
