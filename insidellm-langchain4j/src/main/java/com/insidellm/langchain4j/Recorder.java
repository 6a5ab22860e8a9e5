package com.insidellm.langchain4j;

import com.insidellm.CallRecorder;
import com.insidellm.threading.ConversationThreads;
import com.insidellm.InsideLlmClient;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns LangChain4j callbacks into InsideLLM events, through core's {@link CallRecorder}: the entry point of the
 * listeners and hooks, each handed to the part that owns it — {@link Placements} (where an event belongs: runs,
 * threading, parents), {@link ModelCalls}, {@link AiServiceCalls}, {@link ToolCalls} and {@link Retrievals}.
 *
 * <p>Every entry point catches everything: recording never throws into LangChain4j. Thread-safe.
 */
final class Recorder implements AutoCloseable {

    /** The key of a call's state in LangChain4j's listener attributes. */
    static final String CALL_ATTRIBUTE = ModelCalls.CALL_ATTRIBUTE;

    private final Placements placements;
    private final AutoRuns runs;
    private final ModelCalls modelCalls;
    private final AiServiceCalls aiServices;
    private final ToolCalls tools;
    private final Retrievals retrievals;

    Recorder(InsideLlmClient client, Supplier<String> userId, String defaultUserId, boolean streamingChunks,
            int maxStreamingChunks, ConversationThreads threads, Duration runIdleTimeout, Clock clock) {
        CallRecorder recorder = CallRecorder.of(client, clock);
        this.runs = new AutoRuns(recorder, runIdleTimeout, clock);
        this.placements = new Placements(recorder, userId, defaultUserId, threads, runs, clock);
        this.modelCalls = new ModelCalls(placements, streamingChunks, maxStreamingChunks);
        this.aiServices = new AiServiceCalls(placements);
        this.tools = new ToolCalls(placements);
        this.retrievals = new Retrievals(placements);
    }

    void onRequest(ChatModelRequestContext context) {
        modelCalls.onRequest(context);
    }

    void onResponse(ChatModelResponseContext context) {
        modelCalls.onResponse(context);
    }

    void onError(ChatModelErrorContext context) {
        modelCalls.onError(context);
    }

    void invocationStarted(InvocationContext context, @Nullable SystemMessage systemMessage, UserMessage userMessage) {
        aiServices.started(context, systemMessage, userMessage);
    }

    void requestIssued(InvocationContext context, ChatRequest request) {
        aiServices.requestIssued(context, request);
    }

    void responseReceived(InvocationContext context, ChatResponse response) {
        aiServices.responseReceived(context, response);
    }

    void invocationCompleted(InvocationContext context) {
        aiServices.completed(context);
    }

    void invocationFailed(InvocationContext context, Throwable error) {
        aiServices.failed(context, error);
    }

    void toolExecuted(InvocationContext context, ToolExecutionRequest request, @Nullable String resultText) {
        tools.executed(context, request, resultText);
    }

    void beforeTool(ToolExecutionRequest request, @Nullable InvocationContext context) {
        tools.before(request, context);
    }

    void afterTool(ToolExecutionRequest request, @Nullable String result, boolean failed) {
        tools.after(request, result, failed);
    }

    List<Content> retrieve(ContentRetriever retriever, String retrieverName, Query query) {
        return retrievals.retrieve(retriever, retrieverName, query);
    }

    /** Ends the runs idle for the timeout now (the daemon thread does this on its own; tests call it). */
    int endIdleRuns() {
        return runs.endIdle();
    }

    /** Ends the runs this module started ({@code client_closed}) and closes the threading file. */
    @Override
    public void close() {
        placements.close();
    }
}
