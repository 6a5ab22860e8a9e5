package com.insidellm.langchain4j;

import com.insidellm.CallRecorder;
import com.insidellm.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One AI-service invocation, from its started event to its completed or error event. Its events are held while its
 * run is not yet known (automatic threading decides it at the first model call). Thread-safe.
 */
final class Invocation {

    /** An event held until the run is decided, with its parent. */
    record Pending(Event.Builder event, @Nullable String parentEventId) {
    }

    final Object lock = new Object();
    final UUID id;
    final String chainName;
    final String userId;
    final @Nullable String parentEventId;
    final String chainStartId = CallRecorder.newId();
    final Instant startedAt;
    final long startNanos = System.nanoTime();
    /** Guarded by {@link #lock}. */
    final List<Pending> pending = new ArrayList<>();
    volatile @Nullable String runId;
    volatile @Nullable String lastLlmResponseId;
    volatile @Nullable String lastAnswer;
    volatile @Nullable Throwable modelError;

    Invocation(UUID id, String chainName, String userId, @Nullable String parentEventId, Instant startedAt) {
        this.id = id;
        this.chainName = chainName;
        this.userId = userId;
        this.parentEventId = parentEventId;
        this.startedAt = startedAt;
    }

    long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
