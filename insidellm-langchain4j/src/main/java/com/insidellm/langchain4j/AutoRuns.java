package com.insidellm.langchain4j;

import com.insidellm.CallRecorder;
import com.insidellm.internal.IdleRuns;
import java.time.Clock;
import java.time.Duration;

/**
 * The runs this module starts itself, ended when idle and at close by core's {@link IdleRuns} (shared with the
 * provider SDK wrappers' {@code ModelCallRecorder}), with run type {@value #RUN_TYPE} and the background thread
 * {@code insidellm-langchain4j}. Thread-safe.
 */
final class AutoRuns extends IdleRuns {

    static final String RUN_TYPE = "langchain4j";

    AutoRuns(CallRecorder recorder, Duration idleTimeout, Clock clock) {
        super(recorder, idleTimeout, clock, RUN_TYPE, "insidellm-langchain4j");
    }
}
