package com.insidellm.modelcall;

import com.insidellm.CallRecorder;
import com.insidellm.threading.ConversationThreads;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import com.insidellm.internal.IdleRuns;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ModelCallRecorder}'s calls go when no InsideLLM context is active: automatic threading by message
 * history ({@link ConversationThreads}) into runs this recorder starts and ends when idle ({@link IdleRuns}). Apart
 * from the recorder because it is the one concern with state and a background thread; the recorder only asks it for
 * a run and tells it each answer. Thread-safe.
 */
final class AutoThreading implements AutoCloseable {

    /**
     * How long answered conversations wait before the background thread fingerprints them: a burst of calls is
     * fingerprinted in one go, and a look-up that needs them sooner drains them itself.
     */
    private static final long DRAIN_DELAY_MILLIS = 20;

    private final CallRecorder recorder;
    private final ConversationThreads threads;
    private final IdleRuns runs;
    private final Clock clock;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    AutoThreading(CallRecorder recorder, String source, int capacity, @Nullable Path file, Duration idleTimeout,
            Clock clock) {
        this.recorder = recorder;
        this.threads = ConversationThreads.builder().capacity(capacity).file(file).build();
        this.runs = new IdleRuns(recorder, idleTimeout, clock, source, "insidellm-" + source);
        this.clock = clock;
    }

    /**
     * The run of a request made outside any context: the run of the conversation it continues, or a new one; with the
     * request's fingerprints, which remembering it after the answer reuses.
     */
    Placed place(Payload.LlmRequest request, String user) {
        return place(ConversationThreads.Prefixes.of(messages(request)), user);
    }

    /** Like {@link #place(Payload.LlmRequest, String)} for a request whose messages are these. */
    Placed placeConversation(List<ConversationThreads.Message> messages, String user) {
        return place(ConversationThreads.Prefixes.of(messages), user);
    }

    private Placed place(ConversationThreads.Prefixes prefixes, String user) {
        String found = threads.find(prefixes);
        if (found != null) {
            return new Placed(runs.continueRun(found, user, "conversation"), prefixes, null);
        }
        // A random id is new by construction: no need to note it among the runs seen (as the LangChain4j module).
        String runId = recorder.newRunId();
        return new Placed(runId, prefixes, runs.startWatched(runId, user, clock.instant(), "conversation", null));
    }

    /**
     * The run a request was placed in and its fingerprints; {@code touch} notes activity in a run started for it
     * without looking the run up ({@code null}: the run was found).
     */
    record Placed(String runId, ConversationThreads.Prefixes prefixes, @Nullable Runnable touch) {
    }

    /** Notes activity in a run (an idle run is ended only when nothing happens in it). */
    void touch(String runId) {
        runs.touch(runId);
    }

    /**
     * Remembers the conversation of an answered call with its run ({@code touch}, when not null, notes activity in
     * it), so the next turn finds it: queued, and
     * fingerprinted on the background thread (or by the next look-up that could need it, whichever comes first), so
     * the caller does not pay for converting and hashing the answer.
     */
    void answered(String runId, @Nullable Runnable touch, Supplier<Payload.LlmRequest> request,
            ConversationThreads.@Nullable Prefixes prefixes, Supplier<LlmCallResult> result) {
        if (touch != null) {
            touch.run();
        } else {
            runs.touch(runId);
        }
        Supplier<ConversationThreads.Message> message = () -> ConversationThreads.Message.fromChat(
                List.of(answer(result.get()))).get(0);
        if (prefixes != null) {
            threads.rememberLater(prefixes, message, runId);
        } else {
            threads.rememberLater(() -> messages(request.get()), message, runId);
        }
        if (drainScheduled.compareAndSet(false, true)) {
            runs.later(() -> {
                drainScheduled.set(false);
                threads.drain();
            }, DRAIN_DELAY_MILLIS);
        }
    }

    private static Map<String, ?> answer(LlmCallResult result) {
        return result.responseMessage() != null ? result.responseMessage()
                : Map.of("role", "assistant", "content", result.responseText());
    }

    private static List<ConversationThreads.Message> messages(Payload.LlmRequest request) {
        List<? extends Map<String, ?>> messages = request.messages();
        return messages == null ? List.of(ConversationThreads.Message.user(request.prompt()))
                : ConversationThreads.Message.fromChat(messages);
    }

    int endIdleRuns() {
        return runs.endIdle();
    }

    /** Ends the runs started here ({@code client_closed}), then remembers what is queued and closes the file. */
    @Override
    public void close() {
        runs.close();
        threads.close();
    }
}
