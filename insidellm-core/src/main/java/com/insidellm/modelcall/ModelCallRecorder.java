package com.insidellm.modelcall;

import com.insidellm.CallRecorder;
import com.insidellm.threading.ConversationThreads;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.InsideLlmTracker;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import com.insidellm.internal.Checks;
import com.insidellm.internal.IdleRuns;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
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
 * ModelCall call = recorder.start(new Payload.LlmRequest(...), Map.of("tools", tools), false);
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

    private static final Logger log = LoggerFactory.getLogger(ModelCallRecorder.class);

    /** The user id of calls outside an InsideLLM context when none is configured: {@value}. */
    public static final String DEFAULT_USER_ID = "anonymous";
    /** How long a run started by automatic threading stays open without a call, unless configured. */
    public static final Duration DEFAULT_RUN_IDLE_TIMEOUT = Duration.ofMinutes(30);

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
            AutoThreading.Placed placed = null;
            if (where == null) {
                // No run on this thread: the conversation's earlier turns decide it, or this call starts one.
                String user = currentUserId();
                placed = threading.place(request, user);
                where = InsideLlmContext.of(placed.runId(), user);
            } else {
                threading.touch(where.runId());
            }
            CallRecorder.Call call = recorder.open(where);
            call.start(ModelCallEvents.request(request, extras, stream));
            return new ModelCall(threading, call, request.modelName(), request.provider(), Memo.of(request), placed);
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
        Request described = RecordedCalls.askOrNull(request, "describe", source);
        return described == null ? ModelCall.NONE
                : start(described.request(), described.extras(), described.stream());
    }

    /**
     * Like {@link #start(Supplier)} for a request that is costly to describe (a body parsed token by token): when an
     * InsideLLM context is active on the calling thread, which places the call without its messages, the request is
     * described later, when its event is processed on the client's flusher thread (or when automatic threading
     * remembers the conversation, whichever comes first); so {@code request} must read only data no one changes after
     * this call, such as a copy of the body. Outside a context, automatic threading needs the messages to place the
     * call, and the request is described now, as {@link #start(Supplier)} does. The events are those
     * {@link #start(Supplier)} records. A request that cannot be described later is not recorded (its event is
     * dropped as {@code invalid_event}), nor its answer; an error event still names it as parent.
     *
     * @param model the model the request names, as its description gives it (answer and error events record it)
     * @param provider the provider, as the request's description gives it
     * @param stream whether the answer is streamed, as the request's description gives it
     * @param estimatedBytes roughly the size of the request's JSON, at least 0 (the client's queue bounds its memory)
     * @param request describes the request, once
     */
    public ModelCall startLater(String model, String provider, boolean stream, int estimatedBytes,
            Supplier<Request> request) {
        return openLater(model, provider, stream, estimatedBytes, null, request);
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
        return RecordedCalls.run(start(request), call, describe, status, false);
    }

    /**
     * Like {@link #startLater(String, String, boolean, int, Supplier)}, with the request's messages (in the chat
     * format, as its description gives them) read at once outside a context, where automatic threading places the
     * call by them: then only they are read on the caller's thread, and the request is described later too.
     *
     * @param messages reads the request's messages at once; when it throws, nothing is recorded
     */
    public ModelCall startLater(String model, String provider, boolean stream, int estimatedBytes,
            Supplier<? extends List<? extends Map<String, ?>>> messages, Supplier<Request> request) {
        return openLater(model, provider, stream, estimatedBytes,
                () -> ConversationThreads.Message.fromChat(messages.get()), request);
    }

    /**
     * Like {@link #startLater(String, String, boolean, int, Supplier, Supplier)}, with the request's messages read in
     * threading's own form, for an integration that builds them straight from its message types (no chat-format maps
     * on the caller's thread). They must be what {@link ConversationThreads.Message#fromChat} makes of the messages
     * of the request's description, so that a conversation threads the same however it was recorded.
     *
     * @param conversation reads the request's messages at once, outside a context only; when it throws, nothing is
     *     recorded
     */
    public ModelCall startLaterConversation(String model, String provider, boolean stream, int estimatedBytes,
            Supplier<List<ConversationThreads.Message>> conversation, Supplier<Request> request) {
        return openLater(model, provider, stream, estimatedBytes, conversation, request);
    }

    /**
     * Records the request, described later; outside a context, placed by {@code conversation}, or described now when
     * there is none to place it by.
     */
    private ModelCall openLater(String model, String provider, boolean stream, int estimatedBytes,
            @Nullable Supplier<List<ConversationThreads.Message>> conversation, Supplier<Request> request) {
        if (!recorder.recording()) {
            return ModelCall.NONE;
        }
        try {
            InsideLlmContext where = InsideLlmContext.current();
            AutoThreading.Placed placed = null;
            if (where == null) {
                if (conversation == null) {
                    return start(request);
                }
                String user = currentUserId();
                placed = threading.placeConversation(conversation.get(), user);
                where = InsideLlmContext.of(placed.runId(), user);
            } else {
                threading.touch(where.runId());
            }
            CallRecorder.Call call = recorder.open(where);
            Memo<Request> described = new Memo<>(request);
            call.start(ModelCallEvents.requestLater(described, estimatedBytes, stream));
            return new ModelCall(threading, call, model, provider, () -> described.get().request(), placed);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not record a {} model request", source, e);
            return ModelCall.NONE;
        }
    }

    /**
     * Like {@link #call} for a request and result that no one changes once made, such as the SDK's immutable
     * parameter and response objects: the result is described later, off the caller's thread (when its event is
     * processed, or when automatic threading remembers the conversation), and so is the request inside an InsideLLM
     * context ({@link #startLater}). The events are those {@link #call} records.
     *
     * @param model reads the model the request names (as its description gives it) at once; when it throws, the
     *     call is recorded as {@link #call} records it
     * @param provider the provider, as the request's description gives it
     * @param requestBytes roughly the size of the request's JSON, at least 0 (the client's queue bounds its memory)
     */
    public <R> R callLater(Supplier<String> model, String provider, int requestBytes, Supplier<Request> request,
            Supplier<R> call, Function<? super R, LlmCallResult> describe,
            Function<Throwable, @Nullable Integer> status) {
        String name = RecordedCalls.askOrNull(model, "read the model of", source);
        return name == null ? call(request, call, describe, status)
                : RecordedCalls.run(startLater(name, provider, false, requestBytes, request), call, describe, status, true);
    }

    /** Like {@link #callLater} for an asynchronous call, whose future the caller gets as {@link #callAsync} does. */
    public <R> CompletableFuture<R> callAsyncLater(Supplier<String> model, String provider, int requestBytes,
            Supplier<Request> request, Supplier<CompletableFuture<R>> call,
            Function<? super R, LlmCallResult> describe, Function<Throwable, @Nullable Integer> status) {
        String name = RecordedCalls.askOrNull(model, "read the model of", source);
        return name == null ? callAsync(request, call, describe, status)
                : RecordedCalls.runAsync(startLater(name, provider, false, requestBytes, request), call, describe, status, true);
    }

    /**
     * Like {@link #call} for an asynchronous call: the caller gets the call's own future, which the recording
     * follows without changing it (cancelling it still cancels the call).
     */
    public <R> CompletableFuture<R> callAsync(Supplier<Request> request, Supplier<CompletableFuture<R>> call,
            Function<? super R, LlmCallResult> describe, Function<Throwable, @Nullable Integer> status) {
        return RecordedCalls.runAsync(start(request), call, describe, status, false);
    }

    /**
     * Opens a streamed model call with its recording: the request is recorded first, then {@code open} starts the
     * call; if it throws, the failure is recorded and the exception rethrown unchanged. {@code observe} returns the
     * stream the application gets, following the call (see {@link StreamRecording}); if it fails, the application
     * gets the stream {@code open} returned, unrecorded.
     */
    public <S> S stream(Supplier<Request> request, Supplier<S> open, BiFunction<ModelCall, S, S> observe,
            Function<Throwable, @Nullable Integer> status) {
        return RecordedCalls.stream(start(request), open, observe, status, source);
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
            this.source = Checks.checkNotEmpty("source", source);
            return this;
        }

        /** The user id of calls outside an InsideLLM context; default {@value #DEFAULT_USER_ID}. */
        public Builder userId(String userId) {
            this.userId = Checks.checkNotEmpty("userId", userId);
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
            this.threadingCacheSize = Checks.checkRange("threadingCacheSize", threadingCacheSize, 1,
                    ConversationThreads.MAX_CAPACITY);
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
