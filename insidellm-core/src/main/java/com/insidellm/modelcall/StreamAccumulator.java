package com.insidellm.modelcall;

import com.insidellm.LlmCallResult;
import org.jspecify.annotations.Nullable;

/**
 * Assembles the answer of one streamed call from its elements (chunks, server-sent events). Used by one stream at
 * a time.
 *
 * @param <T> the stream's element type
 */
public interface StreamAccumulator<T> {

    /** Takes one element; returns whether it carried generated output (the first such is the first token). */
    boolean accept(T element);

    /** The answer assembled so far. */
    LlmCallResult result();

    /** A failure the stream reported as an element rather than by throwing, or {@code null}. */
    default @Nullable Throwable failure() {
        return null;
    }
}
