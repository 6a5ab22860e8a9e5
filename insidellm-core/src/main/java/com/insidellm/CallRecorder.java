package com.insidellm;

import com.insidellm.internal.BatchingClient;
import com.insidellm.internal.Ids;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way an integration turns a call (a model call, a tool, an agent step, a function, a retrieval) into events,
 * so that the tracker, the Spring annotations, the LangChain4j module, the gateway and the provider SDK wrappers
 * agree on ids, timing, parent links, the error event and the marker of content not captured.
 *
 * <pre>{@code
 * CallRecorder recorder = CallRecorder.of(client);
 * CallRecorder.Call call = recorder.open(where);                      // where: run, user and parent
 * call.start(Event.builder(EventType.TOOL_CALL).payload(...));      // the call's own event, id call.eventId()
 * try (InsideLlmContext.Scope ignored = call.makeCurrent()) {         // nested events name the call as parent
 *     result = tool.run();
 * } catch (RuntimeException e) {
 *     call.end(Event.builder(EventType.TOOL_RESPONSE).payload(... false ...));
 *     call.fail("tool_error", e, Map.of("tool_name", name));          // the error event, once per exception
 *     throw e;
 * }
 * call.end(Event.builder(EventType.TOOL_RESPONSE).payload(...));     // parent: the call's event
 * }</pre>
 *
 * <h2>The rules it holds</h2>
 * <ul>
 *   <li>Ids are random version-4 UUIDs from a thread-local generator ({@link #newId()}).</li>
 *   <li>A call's own event id is allocated when the call opens, so events logged inside it can name it as their
 *       parent before it is logged; an event recorded after the call ends ({@link Call#complete}) carries the call's
 *       start time, so it sorts before its children.</li>
 *   <li>An error event ({@link #error}) has the exception's message, or its class name when the message is empty or
 *       content capture is off (a message can quote user content); its class in {@code context.exception_class};
 *       its stack trace, causes included, cut at {@value #MAX_STACK_TRACE_CHARS} characters; severity
 *       {@code error}.</li>
 *   <li>An exception passing through nested calls is recorded as an error once, by the innermost call
 *       ({@link Call#fail}); outer calls still record their own failed completion events.</li>
 *   <li>Text that content capture leaves out reads {@value #NOT_CAPTURED}.</li>
 *   <li>Recording never throws, unless the client is {@linkplain InsideLlmClient.Builder#strict(boolean) strict}:
 *       an event that cannot be built (a bad argument) is dropped and counted as {@code invalid_event}.</li>
 * </ul>
 *
 * <p>Thread-safe. A {@link Call} may be ended on another thread than the one that opened it (an asynchronous
 * result).
 */
public final class CallRecorder {

    /** What required text fields read when content capture leaves them out: {@value}. */
    public static final String NOT_CAPTURED = "[NOT CAPTURED]";
    /** Stack traces longer than this many characters are cut: {@value}. */
    public static final int MAX_STACK_TRACE_CHARS = 16_384;

    private static final Logger log = LoggerFactory.getLogger(CallRecorder.class);
    /** Exceptions already recorded as an error event; weak, so a recorded exception is never kept alive. */
    private static final Map<Throwable, Boolean> RECORDED_ERRORS = Collections.synchronizedMap(new WeakHashMap<>());

    private final InsideLlmClient client;
    private final boolean recording;
    /** The client when it is the SDK's own, whose queue {@link #log} asks whether the flusher keeps up. */
    private final @Nullable BatchingClient batching;
    /** The last run id that passed the UUID check (racy by design: a stale value only costs one more check). */
    private volatile @Nullable String checkedRunId;
    private final Clock clock;

    private CallRecorder(InsideLlmClient client, Clock clock) {
        this.client = client;
        this.recording = client != InsideLlmClient.noop();
        this.batching = client instanceof BatchingClient b ? b : null;
        this.clock = clock;
    }

    /** A recorder logging to {@code client}. */
    public static CallRecorder of(InsideLlmClient client) {
        return new CallRecorder(Objects.requireNonNull(client, "client"), Clock.systemUTC());
    }

    /** A recorder logging to {@code client}, timestamping events with {@code clock} (for tests). */
    public static CallRecorder of(InsideLlmClient client, Clock clock) {
        return new CallRecorder(Objects.requireNonNull(client, "client"), Objects.requireNonNull(clock, "clock"));
    }

    /** The client events go to. */
    public InsideLlmClient client() {
        return client;
    }

    /** Whether events are recorded at all: {@code false} for the {@linkplain InsideLlmClient#noop() no-op client}. */
    public boolean recording() {
        return recording;
    }

    /** A new random event or run id. */
    public static String newId() {
        return Ids.randomUuid();
    }

    /**
     * A new random run id, which this recorder's next events take without checking that it is a UUID: it is one by
     * construction, and an integration that starts a run per conversation would otherwise check each new one.
     */
    public String newRunId() {
        String id = Ids.randomUuid();
        checkedRunId = id;
        return id;
    }

    /**
     * Opens a call in {@code where} (its run, user and parent). Nothing is logged yet; its event id is allocated.
     */
    public Call open(InsideLlmContext where) {
        return new Call(Objects.requireNonNull(where, "where"), newId());
    }

    /**
     * Logs {@code event} in {@code where}: its run, its user, and its parent unless the event names one.
     *
     * @return the event's id (also when the event could not be built and was dropped)
     */
    public String log(InsideLlmContext where, Event.Builder event) {
        return log(where.runId(), where.userId(), where.parentEventId(), event);
    }

    /**
     * Logs {@code event} in run {@code runId} for {@code userId}, under {@code parentEventId}. The id is the
     * builder's own if it set one, else a new one.
     *
     * @return the event's id (also when the event could not be built and was dropped)
     */
    public String log(String runId, String userId, @Nullable String parentEventId, Event.Builder event) {
        return log(runId, userId, parentEventId, false, event);
    }

    /**
     * Logs {@code event}; {@code parentTrusted} when the parent is an id this recorder generated, so it is not
     * checked again. The run id is checked once per run in a row: the last one that passed is remembered.
     */
    private String log(String runId, String userId, @Nullable String parentEventId, boolean parentTrusted,
            Event.Builder event) {
        String id = event.eventIdOrNull();
        if (id == null) {
            id = newId();
            event.trustedEventId(id);
        }
        if (!recording) {
            return id;
        }
        Event built;
        try {
            if (runId == checkedRunId) {
                event.trustedRunId(runId);
            } else if (event.runId(runId).runIdOrNull() == runId) {
                // Already canonical: the same string can skip the check next time.
                checkedRunId = runId;
            }
            if (parentTrusted) {
                event.trustedParentEventId(parentEventId);
            } else {
                event.parentEventId(parentEventId);
            }
            built = event.userId(userId).build();
        } catch (RuntimeException e) {
            rejected(e);
            return id;
        }
        if (built.describedLater() && batching != null && batching.backlogged()) {
            built = describedNow(built);
        }
        client.logEvent(built);
        return id;
    }

    /**
     * {@code event} with its payload described now, so that its size estimate is the payload's own; the event
     * itself when the description fails (the flusher then drops it as invalid, as it does every such event).
     */
    private static Event describedNow(Event event) {
        try {
            return event.toBuilder().build();
        } catch (RuntimeException e) {
            return event;
        }
    }

    /**
     * Counts an event that could not be built (a bad argument) as dropped {@code invalid_event}; rethrows the cause
     * of an {@link IllegalArgumentException} when the client is strict.
     */
    void rejected(RuntimeException cause) {
        client.reportInvalidEvent(cause);
    }

    /**
     * The {@code error} event for {@code error}: see the class description for its message and stack trace rules.
     *
     * @param errorType what failed ({@code llm_error}, {@code tool_error}, an exception class...)
     * @param code a code such as an HTTP status, or {@code null}
     * @param context where it failed (model, tool, function...); {@code exception_class} is added
     * @param captureContent whether the exception's message may be recorded
     */
    public static Event.Builder error(String errorType, Throwable error, @Nullable String code,
            Map<String, ?> context, boolean captureContent) {
        Map<String, Object> details = new LinkedHashMap<>(context);
        details.put("exception_class", error.getClass().getName());
        return Event.builder(EventType.ERROR).payload(new Payload.Error(errorType, errorMessage(error, captureContent),
                code, stackTrace(error), details, "error"));
    }

    /**
     * What an error event and a failed completion event say about {@code error}: its message, or its class name when
     * the message is empty or {@code captureContent} is off.
     */
    public static String errorMessage(Throwable error, boolean captureContent) {
        String message = error.getMessage();
        return !captureContent || message == null || message.isEmpty() ? error.getClass().getName() : message;
    }

    /** The stack trace of {@code error} as {@link Throwable#printStackTrace()} writes it, causes included, cut. */
    public static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        return trace.length() <= MAX_STACK_TRACE_CHARS ? trace
                : trace.substring(0, MAX_STACK_TRACE_CHARS) + "... [" + (trace.length() - MAX_STACK_TRACE_CHARS)
                        + " more characters]";
    }

    /**
     * Marks {@code error} as recorded; returns whether it was not yet, so that an exception passing through nested
     * calls gives one error event.
     */
    public static boolean firstRecording(Throwable error) {
        return RECORDED_ERRORS.putIfAbsent(error, Boolean.TRUE) == null;
    }

    /**
     * One call being recorded: where it was opened, its own event id, its timing. Thread-safe; its events may be
     * logged from any thread.
     */
    public final class Call {
        private final InsideLlmContext where;
        private final String eventId;
        private final Instant startedAt;
        private final long startNanos;
        private volatile long firstTokenNanos;

        private Call(InsideLlmContext where, String eventId) {
            this.where = where;
            this.eventId = eventId;
            this.startedAt = clock.instant();
            this.startNanos = System.nanoTime();
        }

        /** The call's own event id: the parent of everything logged inside the call. */
        public String eventId() {
            return eventId;
        }

        /** Where the call was opened: its run, user and parent. */
        public InsideLlmContext where() {
            return where;
        }

        /** The context of the call's body: its run and user, with the call's event as parent. */
        public InsideLlmContext context() {
            return where.withParent(eventId);
        }

        /** Makes {@link #context()} current on this thread until the returned scope closes. */
        public InsideLlmContext.Scope makeCurrent() {
            return context().makeCurrent();
        }

        /** When the call opened. */
        public Instant startedAt() {
            return startedAt;
        }

        /** Milliseconds since the call opened. */
        public long elapsedMs() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        /** Notes the first streamed token (the first call counts). */
        public void firstToken() {
            if (firstTokenNanos == 0) {
                firstTokenNanos = Math.max(1, System.nanoTime());
            }
        }

        /** Milliseconds from the call's start to its first streamed token, or {@code null} if none came. */
        public @Nullable Long timeToFirstTokenMs() {
            long first = firstTokenNanos;
            return first == 0 ? null : (first - startNanos) / 1_000_000;
        }

        /** Logs the call's opening event ({@code llm.request}, {@code tool.call}...) with the call's id. */
        public String start(Event.Builder event) {
            event.trustedEventId(eventId);
            return log(where.runId(), where.userId(), where.parentEventId(), event.timestamp(startedAt));
        }

        /** Logs an event answering the call ({@code llm.response}, {@code tool.response}...): its parent is the call. */
        public String end(Event.Builder event) {
            return log(where.runId(), where.userId(), eventId, true, event);
        }

        /**
         * Logs the call's one event after it ended ({@code function_execution}, {@code agent.reasoning}): the call's id,
         * timestamped at its start so it sorts before the events logged inside it.
         */
        public String complete(Event.Builder event) {
            return start(event);
        }

        /**
         * Logs the {@code error} event for {@code error} under the call, unless an inner call recorded this exception
         * already. Never throws.
         *
         * @return the error event's id, or {@code null} when it was recorded already
         */
        public @Nullable String fail(String errorType, Throwable error, Map<String, ?> context) {
            return fail(errorType, error, null, context, true);
        }

        /** Like {@link #fail(String, Throwable, Map)} with an error code and the content-capture setting. */
        public @Nullable String fail(String errorType, Throwable error, @Nullable String code, Map<String, ?> context,
                boolean captureContent) {
            if (!firstRecording(error)) {
                return null;
            }
            try {
                return end(error(errorType, error, code, context, captureContent));
            } catch (RuntimeException e) {
                log.debug("InsideLLM could not record an error: {}", e.toString());
                return null;
            }
        }

        @Override
        public String toString() {
            return "CallRecorder.Call{eventId=" + eventId + ", where=" + where + "}";
        }
    }
}
