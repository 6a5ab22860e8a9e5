package com.insidellm.langchain4j;

import com.insidellm.CallRecorder;
import com.insidellm.threading.ConversationThreads;
import com.insidellm.Event;
import com.insidellm.InsideLlmContext;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.invocation.InvocationContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a LangChain4j event belongs: the one place that decides runs, users and parent links.
 *
 * <p>Which run an event belongs to, in order: the InsideLLM context active on the thread
 * ({@link InsideLlmContext#current()}); the AI-service invocation the call is part of; the invocation's chat memory
 * id; otherwise {@linkplain ConversationThreads automatic threading}. Runs decided by the last two are started and
 * ended here ({@link AutoRuns}). Thread-safe.
 */
final class Placements implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Placements.class);
    private static final int MAX_OPEN_INVOCATIONS = 10_000;
    private static final String DEFAULT_MEMORY_ID = "default";
    /** Queued conversations are fingerprinted in batches: one wake-up of the background thread per this many ms. */
    private static final long DRAIN_DELAY_MILLIS = 20;

    final CallRecorder recorder;
    private final Supplier<String> userId;
    private final String defaultUserId;
    private final ConversationThreads threads;
    private final AutoRuns runs;
    private final Clock clock;
    private final Map<UUID, Invocation> invocations = new ConcurrentHashMap<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    Placements(CallRecorder recorder, Supplier<String> userId, String defaultUserId, ConversationThreads threads,
            AutoRuns runs, Clock clock) {
        this.recorder = recorder;
        this.userId = userId;
        this.defaultUserId = defaultUserId;
        this.threads = threads;
        this.runs = runs;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------------------------------ invocations

    /** Opens an invocation's run: the context's, its chat memory's, or none yet (threading decides later). */
    void open(Invocation invocation, @Nullable InsideLlmContext scope, @Nullable Object memoryId,
            @Nullable String interfaceName) {
        if (invocations.size() >= MAX_OPEN_INVOCATIONS) {
            // Completion events that never came (a streaming call nobody started): forget the oldest.
            invocations.values().stream().min((a, b) -> a.startedAt.compareTo(b.startedAt))
                    .ifPresent(oldest -> invocations.remove(oldest.id));
        }
        if (scope != null) {
            decide(invocation, scope.runId());
        } else if (memoryId != null && !DEFAULT_MEMORY_ID.equals(memoryId)) {
            // The chat memory is the conversation: the same id always gives the same run, across restarts too,
            // until that run ends; then a new run continues it.
            String runId = UUID.nameUUIDFromBytes(("insidellm:langchain4j:chat-memory:" + interfaceName + ":"
                    + memoryId).getBytes(StandardCharsets.UTF_8)).toString();
            if (threads.markRunSeen(runId)) {
                runs.start(runId, invocation.userId, invocation.startedAt, "conversation", null);
            } else {
                runId = runs.continueRun(runId, invocation.userId, "conversation");
            }
            decide(invocation, runId);
        }
        invocations.put(invocation.id, invocation);
    }

    @Nullable Invocation invocation(@Nullable InvocationContext context) {
        return context == null || context.invocationId() == null ? null : invocations.get(context.invocationId());
    }

    @Nullable Invocation close(InvocationContext context) {
        return context.invocationId() == null ? null : invocations.remove(context.invocationId());
    }

    // ---------------------------------------------------------------------------------------------- placing

    /**
     * Where a model call goes. The request is fingerprinted only when automatic threading has to decide its run
     * (no context, and no invocation whose run is already known); the fingerprints then travel in the placement.
     */
    Placement modelCall(@Nullable Invocation invocation, List<ChatMessage> messages) {
        InsideLlmContext scope = InsideLlmContext.current();
        if (invocation != null && (scope == null || scope.runId().equals(invocation.runId))) {
            ConversationThreads.Prefixes prefixes = null;
            if (invocation.runId == null) {
                prefixes = ConversationThreads.Prefixes.of(ThreadMessages.of(messages));
                decide(invocation, prefixes);
            }
            return new Placement(invocation, invocation.runId, invocation.userId, invocation.chainStartId, prefixes);
        }
        if (scope != null) {
            return new Placement(null, scope.runId(), scope.userId(), scope.parentEventId());
        }
        String user = currentUserId();
        ConversationThreads.Prefixes prefixes = ConversationThreads.Prefixes.of(ThreadMessages.of(messages));
        String found = threads.find(prefixes);
        if (found != null) {
            return new Placement(null, runs.continueRun(found, user, "conversation"), user, null, prefixes);
        }
        // A random id is new by construction (as newRun), and a UUID: the recorder's newRunId spares its run.start
        // the check. The run's own toucher notes the call's activity: a look-up would first move every run started
        // meanwhile into the watched map, on the caller's thread.
        String runId = recorder.newRunId();
        Runnable touch = runs.startWatched(runId, user, clock.instant(), "conversation", null);
        return new Placement(null, runId, user, null, prefixes, touch);
    }

    /** Inside an invocation, under {@code parentEventId}; or standalone when there is no invocation. */
    Placement in(@Nullable Invocation invocation, @Nullable String parentEventId) {
        InsideLlmContext scope = InsideLlmContext.current();
        if (invocation != null && (scope == null || scope.runId().equals(invocation.runId))) {
            return new Placement(invocation, invocation.runId, invocation.userId, parentEventId);
        }
        return standalone();
    }

    /** The thread's context, or a run of its own. */
    Placement standalone() {
        InsideLlmContext scope = InsideLlmContext.current();
        if (scope != null) {
            return new Placement(null, scope.runId(), scope.userId(), scope.parentEventId());
        }
        String user = currentUserId();
        return new Placement(null, newRun(user, "standalone"), user, null);
    }

    /**
     * Remembers the conversation a model call continued, with its answer, for automatic threading: queued, and
     * fingerprinted on the module's background thread (or by the next look-up, whichever comes first), so the
     * caller's thread does not pay for hashing the answer.
     */
    void answered(Placement placement, List<ChatMessage> messages, AiMessage answer) {
        String runId = placement.run();
        if (runId == null) {
            return;
        }
        // Remembered even when the run was decided otherwise, so a later call without it still threads.
        if (placement.prefixes() != null) {
            threads.rememberLater(placement.prefixes(), () -> ThreadMessages.answer(answer), runId);
        } else {
            threads.rememberLater(() -> ThreadMessages.of(messages), () -> ThreadMessages.answer(answer), runId);
        }
        if (drainScheduled.compareAndSet(false, true)) {
            runs.later(() -> {
                drainScheduled.set(false);
                threads.drain();
            }, DRAIN_DELAY_MILLIS);
        }
    }

    /** The invocation's run, deciding it now from the messages of its first model call if still open. */
    String decide(Invocation invocation, ConversationThreads.@Nullable Prefixes messages) {
        String runId = invocation.runId;
        if (runId != null) {
            return runId;
        }
        String found = messages == null ? null : threads.find(messages);
        if (found != null) {
            return decide(invocation, runs.continueRun(found, invocation.userId, "conversation"));
        }
        synchronized (invocation.lock) {
            if (invocation.runId == null) {
                String created = recorder.newRunId();
                runs.start(created, invocation.userId, invocation.startedAt, "conversation", null);
                return decide(invocation, created);
            }
        }
        return Objects.requireNonNull(invocation.runId);
    }

    private String decide(Invocation invocation, String runId) {
        List<Invocation.Pending> pending;
        synchronized (invocation.lock) {
            if (invocation.runId != null) {
                return invocation.runId;
            }
            invocation.runId = runId;
            pending = new ArrayList<>(invocation.pending);
            invocation.pending.clear();
            for (Invocation.Pending event : pending) {
                log(runId, invocation.userId, event.parentEventId(), event.event());
            }
        }
        return runId;
    }

    private String newRun(String user, String kind) {
        // A random id is new by construction: only memory-id runs (derived ids) need markRunSeen.
        String runId = recorder.newRunId();
        runs.start(runId, user, clock.instant(), kind, null);
        return runId;
    }

    // --------------------------------------------------------------------------------------------- emitting

    /** Logs {@code event} where {@code placement} says, under {@code parentEventId}. */
    void emit(Placement placement, @Nullable String parentEventId, Event.Builder event) {
        if (placement.invocation() != null) {
            emit(placement.invocation(), parentEventId, event);
            return;
        }
        log(Objects.requireNonNull(placement.runId()), placement.userId(), parentEventId, event);
    }

    /** Logs {@code event} in the invocation's run, or holds it until that run is decided. */
    void emit(Invocation invocation, @Nullable String parentEventId, Event.Builder event) {
        synchronized (invocation.lock) {
            if (invocation.runId == null) {
                invocation.pending.add(new Invocation.Pending(event, parentEventId));
                return;
            }
        }
        log(invocation.runId, invocation.userId, parentEventId, event);
    }

    /** Notes activity in the placement's run (for events a call logs itself). */
    void touch(Placement placement) {
        Runnable touch = placement.touch();
        if (touch != null) {
            touch.run();
            return;
        }
        String runId = placement.run();
        if (runId != null) {
            runs.touch(runId);
        }
    }

    private void log(String runId, String user, @Nullable String parentEventId, Event.Builder event) {
        runs.touch(runId);
        recorder.log(runId, user, parentEventId, event);
    }

    String currentUserId() {
        try {
            String id = userId.get();
            return id == null || id.isEmpty() ? defaultUserId : id;
        } catch (RuntimeException e) {
            log.debug("The user id supplier failed; using the default user id", e);
            return defaultUserId;
        }
    }

    /** Ends the runs this module started and closes the threading file. */
    @Override
    public void close() {
        runs.close();
        threads.close();
    }
}
