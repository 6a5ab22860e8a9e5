package com.insidellm.langchain4j;

import com.insidellm.threading.ConversationThreads;
import com.insidellm.InsideLlmClient;
import com.insidellm.internal.IdleRuns;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.observability.api.AiServiceListenerRegistrar;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a LangChain4j application completely: model calls, AI-service invocations, tool executions and retrievals.
 *
 * <pre>{@code
 * InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.create(client);
 *
 * ChatModel model = OpenAiChatModel.builder()
 *         .apiKey(System.getenv("OPENAI_API_KEY")).modelName("gpt-4o-mini")
 *         .listeners(List.of(insideLlm.chatModelListener()))
 *         .build();
 *
 * Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
 *         .chatModel(model)
 *         .tools(new Calculator())
 *         .contentRetriever(insideLlm.contentRetriever(retriever))
 *         .build();
 * }</pre>
 *
 * <p>An AI-service invocation becomes {@code chain.start}, {@code user.input}, the model calls inside it
 * ({@code llm.request}, {@code llm.response}), {@code tool.call} and {@code tool.response} for each tool execution,
 * {@code retrieval.start} and {@code retrieval.end} for each retrieval, {@code agent.response} and {@code chain.end}
 * (or {@code error} and a failed {@code chain.end}), all in one run with parent links to the chain start.
 *
 * <p>Which run an event belongs to, in order: the InsideLLM context active on the thread
 * ({@link com.insidellm.InsideLlmContext}); the AI-service invocation it is part of; the invocation's chat memory id
 * (one run per conversation, the same after a restart); otherwise automatic threading, which recognises the next turn
 * of a conversation by the SHA-256 fingerprint of its normalised message prefix and puts it into the first turn's run.
 *
 * <p>Thread-safe. Closing it ends the runs it started itself and closes the threading file; the client stays open.
 */
public final class InsideLlmLangChain4j implements AutoCloseable {

    /** Default user id when no supplier is set: {@value}. */
    public static final String DEFAULT_USER_ID = "anonymous";
    /** Default most {@code llm.streaming_chunk} events per call, when chunk events are on: {@value}. */
    public static final int DEFAULT_MAX_STREAMING_CHUNKS = 500;
    /** Default number of conversation fingerprints kept for automatic threading: {@value}. */
    public static final int DEFAULT_THREADING_CACHE_SIZE = ConversationThreads.DEFAULT_CAPACITY;
    /** Default idle time after which a run this module started itself ends ({@code exit_reason "idle"}): 30 minutes. */
    public static final Duration DEFAULT_RUN_IDLE_TIMEOUT = Duration.ofMinutes(30);

    private static final Logger log = LoggerFactory.getLogger(InsideLlmLangChain4j.class);

    private final Recorder recorder;
    private final InsideLlmChatModelListener chatModelListener;
    private final List<AiServiceListener<?>> aiServiceListeners;

    private InsideLlmLangChain4j(Builder builder) {
        Supplier<String> userId = builder.userIdSupplier != null ? builder.userIdSupplier : () -> builder.userId;
        this.recorder = new Recorder(builder.client, userId, builder.userId, builder.streamingChunks,
                builder.maxStreamingChunks, ConversationThreads.builder().capacity(builder.threadingCacheSize)
                        .file(builder.threadingFile).build(), builder.runIdleTimeout, builder.clock);
        this.chatModelListener = new InsideLlmChatModelListener(recorder);
        this.aiServiceListeners = AiServiceListeners.create(recorder);
    }

    /** An integration with default settings recording to {@code client}. */
    public static InsideLlmLangChain4j create(InsideLlmClient client) {
        return builder(client).build();
    }

    /** A builder for an integration recording to {@code client}. */
    public static Builder builder(InsideLlmClient client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /** The chat model listener: add it to every chat model's {@code listeners(...)}. */
    public InsideLlmChatModelListener chatModelListener() {
        return chatModelListener;
    }

    /**
     * The AI-service listeners (invocation started, request issued, response received, tool executed, completed,
     * error), for {@code AiServices.builder(...).registerListeners(...)}. Requires LangChain4j 1.11.0 or newer.
     */
    public List<AiServiceListener<?>> aiServiceListeners() {
        return aiServiceListeners;
    }

    /**
     * Registers everything an AI service needs on its builder: the {@linkplain #aiServiceListeners() AI-service
     * listeners} and the before- and after-tool-execution hooks that give tool calls their duration and failure.
     * The chat model itself still needs {@link #chatModelListener()} in its listeners.
     *
     * <p>An AI service has one slot for each tool hook: a hook set after this call replaces ours. To keep your own,
     * chain it: {@code .beforeToolExecution(insideLlm.beforeToolExecution().andThen(mine))}.
     *
     * @return {@code aiServices}, for chaining
     */
    public <T> AiServices<T> register(AiServices<T> aiServices) {
        return AiServicesSupport.register(this, Objects.requireNonNull(aiServices, "aiServices"));
    }

    /** The before-tool-execution hook that {@link #register(AiServices)} installs, for chaining with your own. */
    public Consumer<BeforeToolExecution> beforeToolExecution() {
        return AiServicesSupport.beforeToolExecution(recorder);
    }

    /** The after-tool-execution hook that {@link #register(AiServices)} installs, for chaining with your own. */
    public Consumer<ToolExecution> afterToolExecution() {
        return AiServicesSupport.afterToolExecution(recorder);
    }

    /** Wraps a content retriever so that each retrieval is recorded with its query and documents. */
    public ContentRetriever contentRetriever(ContentRetriever retriever) {
        Objects.requireNonNull(retriever, "retriever");
        return contentRetriever(retriever, retriever.getClass().getSimpleName());
    }

    /** Wraps a content retriever, recording it under {@code name} ({@code retriever_name}). */
    public ContentRetriever contentRetriever(ContentRetriever retriever, String name) {
        return new RecordingContentRetriever(Objects.requireNonNull(retriever, "retriever"),
                Objects.requireNonNull(name, "name"), recorder);
    }

    /**
     * Wraps a streaming model so that its calls report time to first token (and chunk events when enabled); see
     * {@link InsideLlmStreamingChatModel}. The model still needs {@link #chatModelListener()} in its listeners.
     */
    public StreamingChatModel streaming(StreamingChatModel model) {
        return InsideLlmStreamingChatModel.wrap(model);
    }

    /**
     * Records every AI service in this JVM, including those whose builder the application never sees (such as
     * {@code @AiService} beans of the LangChain4j Spring Boot starter), until {@link #close()}. Services registered
     * with {@link #register(AiServices)} are still recorded once. Without the tool hooks of {@code register}, tool
     * calls of such services have no duration and count as successful.
     *
     * <p>Works through LangChain4j's {@code AiServiceListenerRegistrarFactory} service-loader extension point, which
     * this module provides; if another library's provider comes first on the class path, LangChain4j uses that one
     * and this call has no effect (a warning says so). Only one integration can be installed at a time; the last
     * call wins.
     *
     * @return this integration, for chaining
     */
    public InsideLlmLangChain4j recordAllAiServices() {
        GlobalAiServiceListenerRegistrar.INSTALLED.set(this);
        if (!(AiServiceListenerRegistrar.newInstance() instanceof GlobalAiServiceListenerRegistrar)) {
            log.warn("recordAllAiServices() has no effect: "
                    + "another AiServiceListenerRegistrarFactory comes first on the class path; register AI services "
                    + "with InsideLlmLangChain4j.register(...) instead");
        }
        return this;
    }

    Recorder recorder() {
        return recorder;
    }

    /**
     * Stops {@linkplain #recordAllAiServices() recording all AI services} if this integration was doing so, ends the
     * runs it started itself ({@code run.end} with {@code exit_reason "client_closed"}) and closes the threading file,
     * if any. Close it before the client, so those events are delivered. Idempotent; the client is not closed.
     */
    @Override
    public void close() {
        GlobalAiServiceListenerRegistrar.INSTALLED.compareAndSet(this, null);
        recorder.close();
    }

    /** Builds an {@link InsideLlmLangChain4j}. Not thread-safe. */
    public static final class Builder {

        private final InsideLlmClient client;
        private String userId = DEFAULT_USER_ID;
        private @Nullable Supplier<String> userIdSupplier;
        private boolean streamingChunks;
        private int maxStreamingChunks = DEFAULT_MAX_STREAMING_CHUNKS;
        private int threadingCacheSize = DEFAULT_THREADING_CACHE_SIZE;
        private @Nullable Path threadingFile;
        private Duration runIdleTimeout = DEFAULT_RUN_IDLE_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(InsideLlmClient client) {
            this.client = client;
        }

        /** The user id of every event outside an InsideLLM context; default {@value #DEFAULT_USER_ID}. */
        public Builder userId(String userId) {
            Objects.requireNonNull(userId, "userId");
            if (userId.isEmpty()) {
                throw new IllegalArgumentException("userId must not be empty");
            }
            this.userId = userId;
            return this;
        }

        /**
         * Supplies the user id per call (for example from the request's security context), asked on the thread that
         * calls the model or AI service. A null, empty or failing answer falls back to {@link #userId(String)}.
         */
        public Builder userId(Supplier<String> userIdSupplier) {
            this.userIdSupplier = Objects.requireNonNull(userIdSupplier, "userIdSupplier");
            return this;
        }

        /**
         * Whether streamed partial answers are recorded as {@code llm.streaming_chunk} events; default false. Needs
         * the model wrapped with {@link InsideLlmStreamingChatModel}.
         */
        public Builder streamingChunks(boolean streamingChunks) {
            this.streamingChunks = streamingChunks;
            return this;
        }

        /** The most chunk events per call, 1 to 100,000; default {@value #DEFAULT_MAX_STREAMING_CHUNKS}. */
        public Builder maxStreamingChunks(int maxStreamingChunks) {
            if (maxStreamingChunks < 1 || maxStreamingChunks > 100_000) {
                throw new IllegalArgumentException("maxStreamingChunks must be between 1 and 100000, but was "
                        + maxStreamingChunks);
            }
            this.maxStreamingChunks = maxStreamingChunks;
            return this;
        }

        /**
         * How many conversation fingerprints automatic threading keeps (least recently used go first), 1 to
         * 10,000,000; default {@value #DEFAULT_THREADING_CACHE_SIZE}.
         */
        public Builder threadingCacheSize(int threadingCacheSize) {
            if (threadingCacheSize < 1 || threadingCacheSize > 10_000_000) {
                throw new IllegalArgumentException("threadingCacheSize must be between 1 and 10000000, but was "
                        + threadingCacheSize);
            }
            this.threadingCacheSize = threadingCacheSize;
            return this;
        }

        /**
         * A file where automatic threading keeps its fingerprints, so conversations continue in the same run after a
         * restart; default none (memory only). The file holds hashes and run ids, never message text.
         */
        public Builder threadingFile(Path threadingFile) {
            this.threadingFile = Objects.requireNonNull(threadingFile, "threadingFile");
            return this;
        }

        /**
         * How long a run this module started itself (automatic threading, a chat memory id, a standalone call) may
         * stay without events before it ends with {@code run.end} ({@code exit_reason "idle"}), like a web-analytics
         * session timeout; 1 second to 30 days, default 30 minutes. A conversation that continues later gets a new
         * run whose {@code run.start} names the previous one ({@code initial_context.previous_run_id}). Runs the
         * application started (a tracker, an annotated method) are never ended by this module.
         */
        public Builder runIdleTimeout(Duration runIdleTimeout) {
            this.runIdleTimeout = IdleRuns.checkIdleTimeout(runIdleTimeout);
            return this;
        }

        /** The clock that times runs and events (tests). */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the integration; reads the threading file if one is set. */
        public InsideLlmLangChain4j build() {
            return new InsideLlmLangChain4j(this);
        }
    }
}
