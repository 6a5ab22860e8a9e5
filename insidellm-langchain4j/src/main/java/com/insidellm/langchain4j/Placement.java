package com.insidellm.langchain4j;

import com.insidellm.threading.ConversationThreads;
import com.insidellm.InsideLlmContext;
import org.jspecify.annotations.Nullable;

/**
 * Where an event goes: an AI-service invocation (which may still be deciding its run), or a run, user and parent;
 * with the request's fingerprints when automatic threading computed them, and {@code touch}, which notes activity
 * in the run automatic threading started for the call without looking it up ({@code null} otherwise).
 */
record Placement(@Nullable Invocation invocation, @Nullable String runId, String userId,
        @Nullable String parentEventId, ConversationThreads.@Nullable Prefixes prefixes, @Nullable Runnable touch) {

    Placement(@Nullable Invocation invocation, @Nullable String runId, String userId,
            @Nullable String parentEventId) {
        this(invocation, runId, userId, parentEventId, null, null);
    }

    Placement(@Nullable Invocation invocation, @Nullable String runId, String userId,
            @Nullable String parentEventId, ConversationThreads.@Nullable Prefixes prefixes) {
        this(invocation, runId, userId, parentEventId, prefixes, null);
    }

    /** The run the placement's events go to, once it is decided. */
    @Nullable String run() {
        return invocation != null ? invocation.runId : runId;
    }

    /** The placement as a context (run, user and parent), once its run is decided. */
    InsideLlmContext context() {
        String run = run();
        if (run == null) {
            throw new IllegalStateException("the run of " + this + " is not decided yet");
        }
        return InsideLlmContext.of(run, userId).withParent(parentEventId);
    }
}
