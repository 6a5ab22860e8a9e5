package com.insidellm;

import com.insidellm.internal.IdleRuns;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records model calls that an integration sees as request and response, such as the provider SDK wrappers
 * ({@code insidellm-openai}, {@code insidellm-anthropic}, {@code insidellm-google-genai}): an {@code llm.request}, then
 * an {@code llm.response} or an {@code error} event naming it as parent, with the same fields the LangChain4j
 * integration records (messages in the OpenAI chat format, tools, parameters, usage with cached and reasoning tokens,
 * latency, time to first token, HTTP status of failures).
 *
 * <p>Which run a call belongs to, in order: the InsideLLM context active on the calling thread (an
 * {@link InsideLlmTracker}, an annotated method, {@link InsideLlmContext#makeCurrent()}); otherwise automatic
 * threading, which recognises the next turn of a conversation by its message history and puts it into the first
 * turn's run, starting a new run for a new conversation.
 *
 * <pre>{@code
 * ModelCallRecorder recorder = ModelCallRecorder.builder(client).source("openai").build();
 * ModelCallRecorder.ModelCall call = recorder.start(new Payload.LlmRequest(...), Map.of("tools", tools), false);
 * try {
 *     Response response = sdk.call(...);
 *     call.succeeded(LlmCallResult.builder(text).usage(...).build());
 * } catch (RuntimeException e) {
 *     call.failed(e, statusOf(e));
 *     throw e;
 * }
 * }</pre>
 *
 * <p>Nothing here throws into the application: whatever cannot be recorded is logged at DEBUG and skipped.
 * Thread-safe; a call may end on another thread than the one that started it.
 */
public final class ModelCallRecorder implements AutoCloseable {

    /** The user id of calls outside an InsideLLM context when none is configured: {@value}. */
    public static final String DEFAULT_USER_ID = "anonymous";
    /** How long a run started by automatic threading stays open without a call, unless configured. */
    public static final Duration DEFAULT_RUN_IDLE_TIMEOUT = Duration.ofMinutes(30);

    private static final Logger log = LoggerFactory.getLogger(ModelCallRecorder.class);

    private final CallRecorder recorder;
    /** Runs of calls outside a context: threading, and the runs it started (ended when idle and at {@link #close}). */
    private final AutoThreading threading;
    private final String source;
    private final Supplier<String> userId;
    private final String defaultUserId;

    private ModelCallRecorder(Builder builder) {
        this.recorder = CallRecorder.of(builder.client);
        this.threading = new AutoThreading(recorder, builder.source, builder.threadingCacheSize, builder.threadingFile,
                builder.runIdleTimeout, builder.clock);
        this.source = builder.source;
        this.defaultUserId = builder.userId;
        this.userId = builder.userIdSupplier != null ? builder.userIdSupplier : () -> builder.userId;
    }

    /** A recorder with default settings logging to {@code client}. */
    public static ModelCallRecorder create(InsideLlmClient client) {
        return builder(client).build();
    }

    /** A builder for a recorder logging to {@code client}. */
    public static Builder builder(InsideLlmClient client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /** The client events go to. */
    public InsideLlmClient client() {
        return recorder.client();
    }

    /**
     * Records the request of a model call and returns the call, to be ended with {@link ModelCall#succeeded} or
     * {@link ModelCall#failed}. Never throws: when the request cannot be recorded the call records nothing.
     *
     * @param request the {@code llm.request} payload: model, provider, prompt, parameters, system message, messages
     *     in the OpenAI chat format
     * @param extras further request payload entries: {@code call_type}, {@code tools}, {@code tool_choice}...
     * @param stream whether the answer is streamed ({@code stream: true}; time to first token is recorded)
     */
    public ModelCall start(Payload.LlmRequest request, Map<String, ?> extras, boolean stream) {
        if (!recorder.recording()) {
            return ModelCall.NONE;
        }
        try {
            InsideLlmContext where = InsideLlmContext.current();
            ConversationThreads.Prefixes prefixes = null;
            if (where == null) {
                // No run on this thread: the conversation's earlier turns decide it, or this call starts one.
                String user = currentUserId();
                AutoThreading.Placed placed = threading.place(request, user);
                prefixes = placed.prefixes();
                where = InsideLlmContext.of(placed.runId(), user);
            } else {
                threading.touch(where.runId());
            }
            CallRecorder.Call call = recorder.open(where);
            Event.Builder event = Event.builder(EventType.LLM_REQUEST).payload(request);
            for (Map.Entry<String, ?> extra : extras.entrySet()) {
                event.payloadEntry(extra.getKey(), extra.getValue());
            }
            if (stream) {
                event.payloadEntry("stream", true);
            }
            call.start(event);
            return new ModelCall(this, call, request, prefixes);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not record a {} model request", source, e);
            return ModelCall.NONE;
        }
    }

    /**
     * Like {@link #start(Payload.LlmRequest, Map, boolean)} with the request described by {@code request}, which is
     * asked once and may throw: a request that cannot be described is not recorded.
     */
    public ModelCall start(Supplier<Request> request) {
        if (!recorder.recording()) {
            return ModelCall.NONE;
        }
        Request described;
        try {
            described = request.get();
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not describe a {} model request", source, e);
            return ModelCall.NONE;
        }
        return start(described.request(), described.extras(), described.stream());
    }

    /**
     * Runs a blocking model call with its recording around it. The call always runs, and its result or exception
     * reaches the caller unchanged; describing and recording failures are logged at DEBUG and dropped.
     *
     * @param request describes the request (asked before the call)
     * @param call the model call
     * @param describe describes the result
     * @param status the HTTP status of a failure, or {@code null} when it has none
     */
    public <R> R call(Supplier<Request> request, Supplier<R> call, Function<? super R, LlmCallResult> describe,
            Function<Throwable, @Nullable Integer> status) {
        ModelCall recorded = start(request);
        R result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            recorded.failed(e, status);
            throw e;
        }
        recorded.succeeded(result, describe);
        return result;
    }

    /**
     * Like {@link #call} for an asynchronous call: the caller gets the call's own future, which the recording
     * follows without changing it (cancelling it still cancels the call).
     */
    public <R> CompletableFuture<R> callAsync(Supplier<Request> request, Supplier<CompletableFuture<R>> call,
            Function<? super R, LlmCallResult> describe, Function<Throwable, @Nullable Integer> status) {
        ModelCall recorded = start(request);
        CompletableFuture<R> future;
        try {
            future = call.get();
        } catch (RuntimeException | Error e) {
            recorded.failed(e, status);
            throw e;
        }
        future.whenComplete((result, error) -> {
            if (error != null) {
                recorded.failed(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error, status);
            } else {
                recorded.succeeded(result, describe);
            }
        });
        return future;
    }

    /**
     * Opens a streamed model call with its recording: the request is recorded first, then {@code open} starts the
     * call; if it throws, the failure is recorded and the exception rethrown unchanged. {@code observe} returns the
     * stream the application gets, following the call (see {@link StreamRecording}); if it fails, the application
     * gets the stream {@code open} returned, unrecorded.
     */
    public <S> S stream(Supplier<Request> request, Supplier<S> open, BiFunction<ModelCall, S, S> observe,
            Function<Throwable, @Nullable Integer> status) {
        ModelCall recorded = start(request);
        S stream;
        try {
            stream = open.get();
        } catch (RuntimeException | Error e) {
            recorded.failed(e, status);
            throw e;
        }
        try {
            return observe.apply(recorded, stream);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not follow a {} stream", source, e);
            return stream;
        }
    }

    /**
     * What is recorded about one model request.
     *
     * @param request the {@code llm.request} payload
     * @param extras further payload entries ({@code call_type}, {@code tools}, {@code tool_choice}...)
     * @param stream whether the answer is streamed
     */
    public record Request(Payload.LlmRequest request, Map<String, ?> extras, boolean stream) {
        public Request {
            Objects.requireNonNull(request, "request");
            extras = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        }
    }

    private String currentUserId() {
        try {
            String id = userId.get();
            return id == null || id.isEmpty() ? defaultUserId : id;
        } catch (RuntimeException e) {
            log.debug("The user id supplier failed; using the default user id", e);
            return defaultUserId;
        }
    }

    /** Ends the runs threading started here that are idle now (what the background check does); tests only. */
    int endIdleRuns() {
        return threading.endIdleRuns();
    }

    /**
     * Ends the runs threading started here and did not end ({@code exit_reason "client_closed"}), remembers what
     * threading has queued, then closes its file, if any. Idempotent; the client stays open.
     */
    @Override
    public void close() {
        threading.close();
    }

    /**
     * One model call whose request was recorded. Ends once: the first of {@link #succeeded} and {@link #failed}
     * counts. Thread-safe.
     */
    public static final class ModelCall {

        static final ModelCall NONE = new ModelCall(null, null, null, null);

        private final @Nullable ModelCallRecorder owner;
        private final CallRecorder.@Nullable Call recording;
        private final Payload.@Nullable LlmRequest request;
        private final ConversationThreads.@Nullable Prefixes prefixes;
        private final AtomicBoolean ended = new AtomicBoolean();

        private ModelCall(@Nullable ModelCallRecorder owner, CallRecorder.@Nullable Call recording,
                Payload.@Nullable LlmRequest request, ConversationThreads.@Nullable Prefixes prefixes) {
            this.owner = owner;
            this.recording = recording;
            this.request = request;
            this.prefixes = prefixes;
        }

        /** A call that records nothing: for a request that could not be described. */
        public static ModelCall none() {
            return NONE;
        }

        /** The id of the call's {@code llm.request} event ({@code null} for a call that records nothing). */
        public @Nullable String requestEventId() {
            return recording == null ? null : recording.eventId();
        }

        /**
         * The context of events nested in the call, such as the tools a framework runs inside it: the call's run and
         * user, its request event as parent; {@code null} for a call that records nothing.
         */
        public @Nullable InsideLlmContext context() {
            return recording == null ? null : recording.context();
        }

        /** Notes that the first streamed output arrived; only the first call counts. */
        public void firstToken() {
            if (recording != null) {
                recording.firstToken();
            }
        }

        /** Records the answer as {@code llm.response}; the cost is estimated from the usage when not set. */
        public void succeeded(LlmCallResult result) {
            ModelCallRecorder r = owner;
            CallRecorder.Call call = recording;
            Payload.LlmRequest sent = request;
            if (r == null || call == null || sent == null || !ended.compareAndSet(false, true)) {
                return;
            }
            try {
                ModelCallEvents.response(call, sent, result);
                r.threading.answered(call.where().runId(), sent, prefixes, result);
            } catch (RuntimeException | LinkageError e) {
                log.debug("InsideLLM could not record a model response", e);
            }
        }

        /** Records {@code describe(result)}; a describer that throws costs the event, never the result. */
        public <R> void succeeded(R result, Function<? super R, LlmCallResult> describe) {
            if (recording == null) {
                return;
            }
            LlmCallResult described;
            try {
                described = describe.apply(result);
            } catch (RuntimeException | LinkageError e) {
                log.debug("InsideLLM could not describe a model response", e);
                return;
            }
            succeeded(described);
        }

        /** Records the failure with the HTTP status that {@code status} finds in it. */
        public void failed(Throwable error, Function<Throwable, @Nullable Integer> status) {
            Integer code = null;
            try {
                code = status.apply(error);
            } catch (RuntimeException e) {
                log.debug("InsideLLM could not read the status of a failure", e);
            }
            failed(error, code);
        }

        /**
         * Records the failure as an {@code error} event under the request, as every integration does: the exception's
         * class as the error type, {@code httpStatus} as its code when known, and where it failed.
         */
        public void failed(Throwable error, @Nullable Integer httpStatus) {
            CallRecorder.Call call = recording;
            Payload.LlmRequest sent = request;
            if (call == null || sent == null || !ended.compareAndSet(false, true)) {
                return;
            }
            try {
                ModelCallEvents.error(call, sent, error, httpStatus);
            } catch (RuntimeException | LinkageError e) {
                log.debug("InsideLLM could not record a model error", e);
            }
        }
    }

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

    /**
     * Follows one streamed call as the application consumes it, and ends its {@link ModelCall} once: when the stream
     * ends (the answer assembled by the accumulator), fails (the error), or is closed before its end (the answer so
     * far). Elements always reach the application unchanged, whatever recording does. Thread-safe.
     *
     * @param <T> the stream's element type
     */
    public static final class StreamRecording<T> {
        private final ModelCall call;
        private final StreamAccumulator<T> accumulator;
        private final Function<Throwable, @Nullable Integer> status;
        private final Object lock = new Object();
        private volatile boolean broken;

        /**
         * @param call the call whose request was recorded
         * @param accumulator assembles the answer
         * @param status the HTTP status of a failure, or {@code null} when it has none
         */
        public StreamRecording(ModelCall call, StreamAccumulator<T> accumulator,
                Function<Throwable, @Nullable Integer> status) {
            this.call = Objects.requireNonNull(call, "call");
            this.accumulator = Objects.requireNonNull(accumulator, "accumulator");
            this.status = Objects.requireNonNull(status, "status");
        }

        /** A stream of the same elements that reports them here as they are consumed; closing it closes {@code source}. */
        public Stream<T> observe(Stream<T> source) {
            return ObservedStream.of(source, this);
        }

        /** Reports one element. */
        public void next(T element) {
            if (broken) {
                return;
            }
            try {
                boolean output;
                synchronized (lock) {
                    output = accumulator.accept(element);
                }
                if (output) {
                    call.firstToken();
                }
            } catch (RuntimeException | LinkageError e) {
                // One element the accumulator cannot read must not cost the application anything: stop following.
                broken = true;
                log.debug("InsideLLM could not read a streamed element", e);
            }
        }

        /** Reports the end of the stream. */
        public void completed() {
            Throwable reported = null;
            LlmCallResult result = null;
            try {
                synchronized (lock) {
                    reported = accumulator.failure();
                    result = reported == null ? accumulator.result() : null;
                }
            } catch (RuntimeException | LinkageError e) {
                log.debug("InsideLLM could not assemble a streamed answer", e);
            }
            if (reported != null) {
                call.failed(reported, status);
            } else if (result != null) {
                call.succeeded(result);
            }
        }

        /** Reports that the stream failed. */
        public void failed(Throwable error) {
            call.failed(error, status);
        }

        /** Reports that the application closed the stream: before its end, the answer so far is recorded. */
        public void closed() {
            completed();
        }
    }

    /** Builds a {@link ModelCallRecorder}. Not thread-safe. */
    public static final class Builder {
        private final InsideLlmClient client;
        private String source = "sdk";
        private String userId = DEFAULT_USER_ID;
        private @Nullable Supplier<String> userIdSupplier;
        private @Nullable Path threadingFile;
        private int threadingCacheSize = ConversationThreads.DEFAULT_CAPACITY;
        private Duration runIdleTimeout = DEFAULT_RUN_IDLE_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(InsideLlmClient client) {
            this.client = client;
        }

        /** What records the calls ({@code openai}, {@code anthropic}...): the run type of the runs it starts. */
        public Builder source(String source) {
            Objects.requireNonNull(source, "source");
            if (source.isEmpty()) {
                throw new IllegalArgumentException("source must not be empty");
            }
            this.source = source;
            return this;
        }

        /** The user id of calls outside an InsideLLM context; default {@value #DEFAULT_USER_ID}. */
        public Builder userId(String userId) {
            Objects.requireNonNull(userId, "userId");
            if (userId.isEmpty()) {
                throw new IllegalArgumentException("userId must not be empty");
            }
            this.userId = userId;
            return this;
        }

        /**
         * Supplies the user id per call, asked on the calling thread. A null, empty or failing answer falls back to
         * {@link #userId(String)}.
         */
        public Builder userId(Supplier<String> userIdSupplier) {
            this.userIdSupplier = Objects.requireNonNull(userIdSupplier, "userIdSupplier");
            return this;
        }

        /**
         * A file where automatic threading keeps its fingerprints, so conversations continue in the same run after a
         * restart; default none (memory only).
         */
        public Builder threadingFile(Path threadingFile) {
            this.threadingFile = Objects.requireNonNull(threadingFile, "threadingFile");
            return this;
        }

        /**
         * How many conversation fingerprints automatic threading keeps (least recently used go first), 1 to
         * 10,000,000; default {@value ConversationThreads#DEFAULT_CAPACITY}.
         */
        public Builder threadingCacheSize(int threadingCacheSize) {
            this.threadingCacheSize = ConversationThreads.checkCapacity("threadingCacheSize", threadingCacheSize);
            return this;
        }

        /**
         * How long a run started by automatic threading stays open without a call: then it ends ({@code run.end},
         * {@code exit_reason "idle"}) and the conversation, if it continues, goes on in a new run naming it
         * ({@code initial_context.previous_run_id}). 1 second to 30 days; default 30 minutes.
         */
        public Builder runIdleTimeout(Duration runIdleTimeout) {
            this.runIdleTimeout = IdleRuns.checkIdleTimeout(runIdleTimeout);
            return this;
        }

        /** The clock of idle-run ends; tests only. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the recorder; reads the threading file if one is set. */
        public ModelCallRecorder build() {
            return new ModelCallRecorder(this);
        }
    }
}
