package com.insidellm.langchain4j;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.ConversationThreads;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.Payload;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns LangChain4j callbacks into InsideLLM events: the one place that decides runs and parent links.
 *
 * <p>Which run an event belongs to, in order: the InsideLLM context active on the thread
 * ({@link InsideLlmContext#current()}); the AI-service invocation the call is part of; the invocation's chat memory
 * id; otherwise {@linkplain ConversationThreads automatic threading}.
 *
 * <p>A model call learns its invocation from a one-shot hand-over: LangChain4j fires
 * {@code AiServiceRequestIssuedEvent} on the thread that calls the model immediately before the call, in every
 * version this module supports; the hand-over is taken only by a request with the same messages. The model call's
 * own state then travels in the listener attributes, never by object identity.
 *
 * <p>Every entry point catches everything: recording never throws into LangChain4j. Thread-safe.
 */
final class Recorder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Recorder.class);

    /** The key of a call's state in LangChain4j's listener attributes. */
    static final String CALL_ATTRIBUTE = "insidellm.call";

    static final String TOOL_TYPE = "function";
    static final String CHAIN_TYPE = "langchain4j.ai_service";
    static final String RUN_TYPE = "langchain4j";
    private static final int MAX_OPEN_INVOCATIONS = 10_000;
    private static final int MAX_PENDING_TOOLS = 10_000;
    private static final String DEFAULT_MEMORY_ID = "default";

    /** The invocation whose model call is about to start on this thread (set by the request-issued event). */
    private static final ThreadLocal<Handoff> NEXT_MODEL_CALL = new ThreadLocal<>();

    /** Streaming timing of the call about to start on this thread (set by {@link InsideLlmStreamingChatModel}). */
    static final ThreadLocal<StreamTiming> NEXT_STREAM = new ThreadLocal<>();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InsideLlmClient client;
    private final Supplier<String> userId;
    private final String defaultUserId;
    private final boolean streamingChunks;
    private final int maxStreamingChunks;
    private final ConversationThreads threads;
    private final Map<UUID, Invocation> invocations = new ConcurrentHashMap<>();
    private final Map<String, ToolTiming> toolTimings = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ToolTiming> eldest) {
                    return size() > MAX_PENDING_TOOLS;
                }
            });

    Recorder(InsideLlmClient client, Supplier<String> userId, String defaultUserId, boolean streamingChunks,
            int maxStreamingChunks, ConversationThreads threads) {
        this.client = client;
        this.userId = userId;
        this.defaultUserId = defaultUserId;
        this.streamingChunks = streamingChunks;
        this.maxStreamingChunks = maxStreamingChunks;
        this.threads = threads;
    }

    // ---------------------------------------------------------------------------------------------- model calls

    void onRequest(ChatModelRequestContext context) {
        try {
            ChatRequest request = context.chatRequest();
            List<ChatMessage> messages = request.messages() == null ? List.of() : request.messages();
            Invocation invocation = takeHandoff(messages);
            StreamTiming stream = NEXT_STREAM.get();
            if (stream != null) {
                NEXT_STREAM.remove();
            }
            Placement placement = placeModelCall(invocation, messages);
            String model = modelName(request);
            String provider = Messages.provider(context.modelProvider());
            Call call = new Call(newId(), placement, model, provider, messages, placement.prefixes, stream,
                    System.nanoTime());

            Payload.LlmRequest payload = new Payload.LlmRequest(model, provider, Messages.prompt(messages),
                    Messages.parameters(request), Messages.systemMessage(messages), Messages.messages(messages));
            Event.Builder event = Event.builder(EventType.LLM_REQUEST).eventId(call.requestEventId)
                    .parentEventId(placement.parentEventId).payload(payload)
                    .payloadEntry("call_type", "chat");
            List<Map<String, Object>> tools = Messages.tools(request.toolSpecifications());
            if (tools != null) {
                event.payloadEntry("tools", tools);
            }
            if (request.toolChoice() != null) {
                event.payloadEntry("tool_choice", request.toolChoice().name().toLowerCase(Locale.ROOT));
            }
            if (stream != null) {
                event.payloadEntry("stream", true);
            }
            emit(placement, event);
            context.attributes().put(CALL_ATTRIBUTE, call);
            if (stream != null) {
                stream.attach(this, call);
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a LangChain4j model request", e);
        }
    }

    void onResponse(ChatModelResponseContext context) {
        try {
            Call call = callOf(context.attributes());
            if (call == null) {
                log.debug("LangChain4j response without a recorded request; not recorded");
                return;
            }
            ChatResponse response = context.chatResponse();
            AiMessage message = response.aiMessage();
            String text = message == null || message.text() == null ? "" : message.text();
            long elapsedNanos = System.nanoTime() - call.startNanos;
            Payload.LlmResponse payload = new Payload.LlmResponse(call.model, call.provider, text,
                    Messages.finishReason(response.finishReason()), Messages.usage(response.tokenUsage()),
                    TimeUnit.NANOSECONDS.toMillis(elapsedNanos), null);
            String responseEventId = newId();
            Event.Builder event = Event.builder(EventType.LLM_RESPONSE).eventId(responseEventId)
                    .parentEventId(call.requestEventId).payload(payload)
                    .payloadEntry("response_message", Messages.message(message));
            if (response.id() != null) {
                event.payloadEntry("response_id", response.id());
            }
            if (response.modelName() != null) {
                event.payloadEntry("response_model", response.modelName());
            }
            if (call.stream != null && call.stream.firstTokenNanos != 0) {
                event.payloadEntry("time_to_first_token_ms",
                        TimeUnit.NANOSECONDS.toMillis(call.stream.firstTokenNanos - call.startNanos));
            }
            emit(call.placement, event);
            Invocation invocation = call.placement.invocation;
            if (invocation != null) {
                invocation.lastLlmResponseId = responseEventId;
                if (message != null && message.text() != null) {
                    invocation.lastAnswer = message.text();
                }
            }
            String runId = call.placement.runId;
            if (runId != null && message != null) {
                // Remembered even when the run was decided otherwise, so a later call without it still threads.
                if (call.prefixes != null) {
                    threads.remember(call.prefixes, ThreadMessages.answer(message), runId);
                } else {
                    threads.remember(ThreadMessages.of(call.messages), ThreadMessages.answer(message), runId);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a LangChain4j model response", e);
        }
    }

    void onError(ChatModelErrorContext context) {
        try {
            Call call = callOf(context.attributes());
            Throwable error = context.error();
            Placement placement;
            String model;
            String provider;
            if (call != null) {
                placement = call.placement;
                model = call.model;
                provider = call.provider;
            } else {
                List<ChatMessage> messages = context.chatRequest().messages();
                placement = placeModelCall(null, messages == null ? List.of() : messages);
                model = modelName(context.chatRequest());
                provider = Messages.provider(context.modelProvider());
            }
            Map<String, Object> errorContext = new LinkedHashMap<>();
            errorContext.put("model_name", model);
            errorContext.put("provider", provider);
            Integer status = httpStatus(error);
            if (status != null) {
                errorContext.put("status_code", status);
            }
            if (call != null) {
                errorContext.put("request_event_id", call.requestEventId);
                errorContext.put("elapsed_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos));
            }
            Event.Builder event = errorEvent(error, status == null ? null : String.valueOf(status), errorContext)
                    .parentEventId(call == null ? placement.parentEventId : call.requestEventId);
            emit(placement, event);
            if (placement.invocation != null) {
                placement.invocation.modelError = error;
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a LangChain4j model error", e);
        }
    }

    /** Called by {@link StreamTiming} for each partial answer when chunk events are on. */
    void onChunk(Call call, String text, int index) {
        if (!streamingChunks || index >= maxStreamingChunks) {
            return;
        }
        try {
            Payload.LlmStreamingChunk payload = new Payload.LlmStreamingChunk(call.model, call.provider, text, index,
                    false, null);
            emit(call.placement, Event.builder(EventType.LLM_STREAMING_CHUNK).parentEventId(call.requestEventId)
                    .payload(payload));
        } catch (RuntimeException e) {
            log.debug("Could not record a streaming chunk", e);
        }
    }

    private @Nullable Invocation takeHandoff(List<ChatMessage> messages) {
        Handoff handoff = NEXT_MODEL_CALL.get();
        if (handoff == null) {
            return null;
        }
        NEXT_MODEL_CALL.remove();
        // Compared by value: a stale hand-over (its model has no InsideLLM listener) must not capture another call.
        return handoff.messages.equals(messages) ? handoff.invocation : null;
    }

    /**
     * Where a model call goes. The request is fingerprinted only when automatic threading has to decide its run
     * (no context, and no invocation whose run is already known); the fingerprints then travel in the placement.
     */
    private Placement placeModelCall(@Nullable Invocation invocation, List<ChatMessage> messages) {
        InsideLlmContext scope = InsideLlmContext.current();
        if (invocation != null && (scope == null || scope.runId().equals(invocation.runId))) {
            String runId = invocation.runId;
            ConversationThreads.Prefixes prefixes = null;
            if (runId == null) {
                prefixes = ConversationThreads.Prefixes.of(ThreadMessages.of(messages));
                runId = resolveRun(invocation, prefixes);
            }
            return new Placement(invocation, runId, invocation.userId, invocation.chainStartId, prefixes);
        }
        if (scope != null) {
            return new Placement(null, scope.runId(), scope.userId(), scope.parentEventId());
        }
        String user = currentUserId();
        ConversationThreads.Prefixes prefixes = ConversationThreads.Prefixes.of(ThreadMessages.of(messages));
        String runId = threads.find(prefixes);
        if (runId == null) {
            runId = newRun(user, Instant.now(), "conversation");
        }
        return new Placement(null, runId, user, null, prefixes);
    }

    // ------------------------------------------------------------------------------------------ AI services

    void invocationStarted(InvocationContext context, @Nullable SystemMessage systemMessage, UserMessage userMessage) {
        try {
            UUID id = context.invocationId();
            if (id == null) {
                return;
            }
            if (invocations.size() >= MAX_OPEN_INVOCATIONS) {
                // Completion events that never came (a streaming call nobody started): forget the oldest.
                invocations.values().stream().min((a, b) -> a.startedAt.compareTo(b.startedAt))
                        .ifPresent(oldest -> invocations.remove(oldest.id));
            }
            InsideLlmContext scope = InsideLlmContext.current();
            String user = scope != null ? scope.userId() : currentUserId();
            String chainName = simpleName(context.interfaceName()) + "." + context.methodName();
            Invocation invocation = new Invocation(id, chainName, user, scope == null ? null : scope.parentEventId());
            Object memoryId = context.chatMemoryId();
            if (scope != null) {
                resolveRun(invocation, scope.runId(), false);
            } else if (memoryId != null && !DEFAULT_MEMORY_ID.equals(memoryId)) {
                // The chat memory is the conversation: the same id always gives the same run, across restarts too.
                String runId = UUID.nameUUIDFromBytes(("insidellm:langchain4j:chat-memory:" + context.interfaceName()
                        + ":" + memoryId).getBytes(StandardCharsets.UTF_8)).toString();
                resolveRun(invocation, runId, threads.markRunSeen(runId));
            }
            invocations.put(id, invocation);

            String input = Messages.userText(userMessage);
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("user_message", input);
            if (systemMessage != null) {
                inputs.put("system_message", systemMessage.text());
            }
            if (memoryId != null) {
                inputs.put("memory_id", String.valueOf(memoryId));
            }
            Event.Builder chainStart = Event.builder(EventType.CHAIN_START).eventId(invocation.chainStartId)
                    .timestamp(invocation.startedAt).parentEventId(invocation.parentEventId)
                    .payload(new Payload.ChainStart(chainName, inputs, CHAIN_TYPE))
                    .metadata("ai_service", String.valueOf(context.interfaceName()))
                    .metadata("method", String.valueOf(context.methodName()))
                    .metadata("invocation_id", id.toString());
            emit(invocation, chainStart);
            emit(invocation, Event.builder(EventType.USER_INPUT).timestamp(invocation.startedAt)
                    .parentEventId(invocation.chainStartId).payload(new Payload.UserInput(input)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service invocation start", e);
        }
    }

    void requestIssued(InvocationContext context, ChatRequest request) {
        try {
            Invocation invocation = invocation(context);
            if (invocation != null && request.messages() != null) {
                NEXT_MODEL_CALL.set(new Handoff(invocation, List.copyOf(request.messages())));
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service request", e);
        }
    }

    void responseReceived(InvocationContext context, ChatResponse response) {
        try {
            Invocation invocation = invocation(context);
            if (invocation != null && response.aiMessage() != null && response.aiMessage().text() != null) {
                invocation.lastAnswer = response.aiMessage().text();
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service response", e);
        }
    }

    void toolExecuted(InvocationContext context, ToolExecutionRequest request, @Nullable String resultText) {
        try {
            Invocation invocation = invocation(context);
            ToolTiming timing = toolTimings.remove(ToolTiming.key(request));
            Placement placement = invocation != null
                    ? new Placement(invocation, invocation.runId, invocation.userId,
                            invocation.lastLlmResponseId != null ? invocation.lastLlmResponseId
                                    : invocation.chainStartId)
                    : placeStandalone();
            String result = resultText != null ? resultText : timing != null ? timing.result : null;
            Instant now = Instant.now();
            String callEventId = newId();
            Payload.ToolCall call = new Payload.ToolCall(request.name(), TOOL_TYPE, arguments(request.arguments()),
                    request.id());
            emit(placement, Event.builder(EventType.TOOL_CALL).eventId(callEventId)
                    .timestamp(timing != null ? timing.startedAt : now).parentEventId(placement.parentEventId)
                    .payload(call));
            boolean failed = timing != null && timing.failed;
            Long duration = timing != null && timing.endNanos != 0
                    ? TimeUnit.NANOSECONDS.toMillis(timing.endNanos - timing.startNanos) : null;
            Payload.ToolResponse response = new Payload.ToolResponse(request.name(), TOOL_TYPE, request.id(), result,
                    duration, !failed, failed ? result : null);
            emit(placement, Event.builder(EventType.TOOL_RESPONSE)
                    .timestamp(timing != null && timing.endedAt != null ? timing.endedAt : now)
                    .parentEventId(callEventId).payload(response));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a tool execution", e);
        }
    }

    void beforeTool(ToolExecutionRequest request) {
        try {
            toolTimings.put(ToolTiming.key(request), new ToolTiming(Instant.now(), System.nanoTime()));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not time a tool execution", e);
        }
    }

    void afterTool(ToolExecutionRequest request, @Nullable String result, boolean failed) {
        try {
            ToolTiming timing = toolTimings.get(ToolTiming.key(request));
            if (timing != null) {
                timing.endNanos = System.nanoTime();
                timing.endedAt = Instant.now();
                timing.failed = failed;
                timing.result = result;
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not time a tool execution", e);
        }
    }

    void invocationCompleted(InvocationContext context) {
        try {
            Invocation invocation = context.invocationId() == null ? null : invocations.remove(context.invocationId());
            if (invocation == null) {
                return;
            }
            resolveRun(invocation, (ConversationThreads.Prefixes) null);
            String answer = invocation.lastAnswer;
            if (answer != null) {
                emit(invocation, Event.builder(EventType.AGENT_RESPONSE).parentEventId(invocation.chainStartId)
                        .payload(new Payload.AgentResponse(answer)));
            }
            Map<String, Object> outputs = answer == null ? null : Map.of("response", answer);
            emit(invocation, Event.builder(EventType.CHAIN_END).parentEventId(invocation.chainStartId)
                    .payload(new Payload.ChainEnd(invocation.chainName, outputs, invocation.elapsedMillis(), true,
                            null)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service completion", e);
        }
    }

    void invocationFailed(InvocationContext context, Throwable error) {
        try {
            Invocation invocation = context.invocationId() == null ? null : invocations.remove(context.invocationId());
            if (invocation == null) {
                Placement placement = placeStandalone();
                emit(placement, errorEvent(error, null, Map.of("ai_service", String.valueOf(context.interfaceName()),
                        "method", String.valueOf(context.methodName()))).parentEventId(placement.parentEventId));
                return;
            }
            resolveRun(invocation, (ConversationThreads.Prefixes) null);
            // A failed model call was recorded by the listener already; the invocation failing with it is one error.
            if (!causedBy(error, invocation.modelError)) {
                emit(invocation, errorEvent(error, httpStatusText(error),
                        Map.of("ai_service", invocation.chainName)).parentEventId(invocation.chainStartId));
            }
            emit(invocation, Event.builder(EventType.CHAIN_END).parentEventId(invocation.chainStartId)
                    .payload(new Payload.ChainEnd(invocation.chainName, null, invocation.elapsedMillis(), false,
                            messageOf(error))));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service failure", e);
        }
    }

    // -------------------------------------------------------------------------------------------- retrieval

    List<Content> retrieve(ContentRetriever retriever, String retrieverName, Query query) {
        Placement placement;
        String startId = newId();
        long start = System.nanoTime();
        String text = query.text() == null ? "" : query.text();
        try {
            placement = placeRetrieval(query);
            emit(placement, Event.builder(EventType.RETRIEVAL_START).eventId(startId)
                    .parentEventId(placement.parentEventId)
                    .payload(new Payload.RetrievalStart(text, retrieverName, null)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a retrieval start", e);
            return retriever.retrieve(query);
        }
        List<Content> contents;
        try {
            contents = retriever.retrieve(query);
        } catch (RuntimeException e) {
            try {
                emit(placement, errorEvent(e, null, Map.of("retriever_name", retrieverName)).parentEventId(startId));
            } catch (RuntimeException | LinkageError recording) {
                log.debug("Could not record a retrieval error", recording);
            }
            throw e;
        }
        try {
            List<Map<String, ?>> documents = new ArrayList<>();
            for (Content content : contents == null ? List.<Content>of() : contents) {
                documents.add(document(content));
            }
            emit(placement, Event.builder(EventType.RETRIEVAL_END).parentEventId(startId)
                    .payload(new Payload.RetrievalEnd(text, documents,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a retrieval end", e);
        }
        return contents;
    }

    private Placement placeRetrieval(Query query) {
        Invocation invocation = null;
        if (query.metadata() != null && query.metadata().invocationContext() != null) {
            invocation = invocation(query.metadata().invocationContext());
        }
        InsideLlmContext scope = InsideLlmContext.current();
        if (invocation != null && (scope == null || scope.runId().equals(invocation.runId))) {
            return new Placement(invocation, invocation.runId, invocation.userId, invocation.chainStartId);
        }
        return placeStandalone();
    }

    private static Map<String, ?> document(Content content) {
        Map<String, @Nullable Object> document = new LinkedHashMap<>();
        document.put("content", content.textSegment() == null ? null : content.textSegment().text());
        Object score = content.metadata() == null ? null : content.metadata().get(ContentMetadata.SCORE);
        document.put("score", score instanceof Number ? score : null);
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (content.textSegment() != null && content.textSegment().metadata() != null) {
            metadata.putAll(content.textSegment().metadata().toMap());
        }
        if (content.metadata() != null) {
            for (Map.Entry<ContentMetadata, Object> entry : content.metadata().entrySet()) {
                if (entry.getKey() != ContentMetadata.SCORE && entry.getValue() != null) {
                    metadata.put(entry.getKey().name().toLowerCase(Locale.ROOT), entry.getValue());
                }
            }
        }
        document.put("metadata", metadata);
        return document;
    }

    // ------------------------------------------------------------------------------------------------ runs

    private Placement placeStandalone() {
        InsideLlmContext scope = InsideLlmContext.current();
        if (scope != null) {
            return new Placement(null, scope.runId(), scope.userId(), scope.parentEventId());
        }
        String user = currentUserId();
        return new Placement(null, newRun(user, Instant.now(), "standalone"), user, null);
    }

    /** The invocation's run, deciding it now from the messages of its first model call if still open. */
    private String resolveRun(Invocation invocation, ConversationThreads.@Nullable Prefixes messages) {
        String runId = invocation.runId;
        if (runId != null) {
            return runId;
        }
        String found = messages == null ? null : threads.find(messages);
        return resolveRun(invocation, found != null ? found : newId(), found == null);
    }

    private String resolveRun(Invocation invocation, String runId, boolean startRun) {
        List<Event.Builder> pending;
        synchronized (invocation.lock) {
            if (invocation.runId != null) {
                return invocation.runId;
            }
            if (startRun) {
                logRunStart(runId, invocation.userId, invocation.startedAt, "conversation");
            }
            invocation.runId = runId;
            pending = new ArrayList<>(invocation.pending);
            invocation.pending.clear();
            for (Event.Builder event : pending) {
                log(event.runId(runId).userId(invocation.userId));
            }
        }
        return runId;
    }

    private String newRun(String user, Instant at, String kind) {
        String runId = newId();
        threads.markRunSeen(runId);
        logRunStart(runId, user, at, kind);
        return runId;
    }

    private void logRunStart(String runId, String user, Instant at, String kind) {
        log(Event.builder(EventType.RUN_START).runId(runId).userId(user).timestamp(at)
                .payload(new Payload.RunStart(runId, RUN_TYPE, Map.of("source", RUN_TYPE, "kind", kind))));
    }

    private void emit(Placement placement, Event.Builder event) {
        if (placement.invocation != null) {
            emit(placement.invocation, event);
            return;
        }
        log(event.runId(Objects.requireNonNull(placement.runId)).userId(placement.userId));
    }

    private void emit(Invocation invocation, Event.Builder event) {
        synchronized (invocation.lock) {
            if (invocation.runId == null) {
                // Not yet known which conversation this is: held until the first model call or the end decides.
                invocation.pending.add(event);
                return;
            }
        }
        log(event.runId(invocation.runId).userId(invocation.userId));
    }

    private void log(Event.Builder event) {
        client.logEvent(event.build());
    }

    private @Nullable Invocation invocation(@Nullable InvocationContext context) {
        return context == null || context.invocationId() == null ? null : invocations.get(context.invocationId());
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

    // --------------------------------------------------------------------------------------------- helpers

    /**
     * A new random (version 4) UUID. Event and run ids only need to be unique, not unguessable: drawn from
     * {@link ThreadLocalRandom}, not from the shared {@code SecureRandom} behind {@link UUID#randomUUID()}, which
     * costs far more on every call and contends between threads.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID((random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L,
                (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L).toString();
    }

    private static Event.Builder errorEvent(Throwable error, @Nullable String code, Map<String, ?> context) {
        return Event.builder(EventType.ERROR).payload(new Payload.Error(error.getClass().getName(), messageOf(error),
                code, null, context, "error"));
    }

    private static String messageOf(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isEmpty() ? error.getClass().getSimpleName() : message;
    }

    private static @Nullable String httpStatusText(Throwable error) {
        Integer status = httpStatus(error);
        return status == null ? null : String.valueOf(status);
    }

    /** The HTTP status of the first {@link HttpException} in the cause chain. */
    static @Nullable Integer httpStatus(@Nullable Throwable error) {
        for (int depth = 0; error != null && depth < 16; depth++, error = error.getCause()) {
            if (error instanceof HttpException http) {
                return http.statusCode();
            }
        }
        return null;
    }

    private static boolean causedBy(Throwable error, @Nullable Throwable cause) {
        if (cause == null) {
            return false;
        }
        Throwable current = error;
        for (int depth = 0; current != null && depth < 16; depth++, current = current.getCause()) {
            if (current == cause) {
                return true;
            }
        }
        return false;
    }

    private static String modelName(ChatRequest request) {
        String model = request.parameters() == null ? null : request.parameters().modelName();
        return model == null || model.isEmpty() ? "unknown" : model;
    }

    private static Map<String, ?> arguments(@Nullable String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> parsed = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            return parsed == null ? Map.of() : parsed;
        } catch (Exception e) {
            return Map.of("arguments", json);
        }
    }

    private static String simpleName(@Nullable String className) {
        if (className == null) {
            return "AiService";
        }
        int dot = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(dot + 1);
    }

    private static @Nullable Call callOf(Map<Object, Object> attributes) {
        Object call = attributes.get(CALL_ATTRIBUTE);
        return call instanceof Call c ? c : null;
    }

    @Override
    public void close() {
        threads.close();
    }

    // ------------------------------------------------------------------------------------------------ state

    /**
     * Where an event goes: an invocation (which may still be deciding its run), or a run, user and parent; with the
     * request's fingerprints when automatic threading computed them.
     */
    record Placement(@Nullable Invocation invocation, @Nullable String runId, String userId,
            @Nullable String parentEventId, ConversationThreads.@Nullable Prefixes prefixes) {

        Placement(@Nullable Invocation invocation, @Nullable String runId, String userId,
                @Nullable String parentEventId) {
            this(invocation, runId, userId, parentEventId, null);
        }
    }

    private record Handoff(Invocation invocation, List<ChatMessage> messages) {
    }

    /** One model call, kept in the listener attributes from request to response. */
    static final class Call {
        final String requestEventId;
        final Placement placement;
        final String model;
        final String provider;
        final List<ChatMessage> messages;
        final ConversationThreads.@Nullable Prefixes prefixes;
        final @Nullable StreamTiming stream;
        final long startNanos;

        Call(String requestEventId, Placement placement, String model, String provider, List<ChatMessage> messages,
                ConversationThreads.@Nullable Prefixes prefixes, @Nullable StreamTiming stream, long startNanos) {
            this.requestEventId = requestEventId;
            this.placement = placement;
            this.model = model;
            this.provider = provider;
            this.messages = messages;
            this.prefixes = prefixes;
            this.stream = stream;
            this.startNanos = startNanos;
        }
    }

    /** One AI-service invocation, from its started event to its completed or error event. */
    static final class Invocation {
        final Object lock = new Object();
        final UUID id;
        final String chainName;
        final String userId;
        final @Nullable String parentEventId;
        final String chainStartId = newId();
        final Instant startedAt = Instant.now();
        final long startNanos = System.nanoTime();
        final List<Event.Builder> pending = new ArrayList<>();
        volatile @Nullable String runId;
        volatile @Nullable String lastLlmResponseId;
        volatile @Nullable String lastAnswer;
        volatile @Nullable Throwable modelError;

        Invocation(UUID id, String chainName, String userId, @Nullable String parentEventId) {
            this.id = id;
            this.chainName = chainName;
            this.userId = userId;
            this.parentEventId = parentEventId;
        }

        long elapsedMillis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }
    }

    /** Start and end of one tool execution, from LangChain4j's before/after tool hooks. */
    static final class ToolTiming {
        final Instant startedAt;
        final long startNanos;
        volatile long endNanos;
        volatile @Nullable Instant endedAt;
        volatile boolean failed;
        volatile @Nullable String result;

        ToolTiming(Instant startedAt, long startNanos) {
            this.startedAt = startedAt;
            this.startNanos = startNanos;
        }

        /** By value: the hooks and the tool-executed event see different objects for the same request. */
        static String key(ToolExecutionRequest request) {
            return request.id() + '\u0000' + request.name() + '\u0000' + request.arguments();
        }
    }

    /** Partial-answer timing of one streaming call; written by the streaming thread. */
    static final class StreamTiming {
        private final AtomicInteger chunks = new AtomicInteger();
        volatile long firstTokenNanos;
        private volatile @Nullable Recorder recorder;
        private volatile @Nullable Call call;

        void attach(Recorder recorder, Call call) {
            this.recorder = recorder;
            this.call = call;
        }

        void onToken(@Nullable String text) {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
            Recorder r = recorder;
            Call c = call;
            if (text != null && r != null && c != null) {
                r.onChunk(c, text, chunks.getAndIncrement());
            }
        }
    }
}
