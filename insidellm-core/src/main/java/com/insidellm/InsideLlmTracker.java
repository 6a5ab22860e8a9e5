package com.insidellm;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Records one run of an agent: the user's input, model and tool calls, agent steps, errors and the answer, each as an
 * event linked to the event that caused it. The Java counterpart of the Python SDK's {@code InsideLLMTracker}.
 *
 * <pre>{@code
 * try (InsideLlmTracker tracker = client.tracker("user-123")) {          // run.start ... run.end
 *     String inputId = tracker.logUserInput("Hello, how can you help?");
 *     String answer = tracker.trackLlmCall("gpt-4o", "openai", "User greeting",
 *             () -> callLlm("User greeting"));                            // llm.request -> llm.response | error
 *     Object sum = tracker.trackToolCall("calculator", Map.of("expression", "2+2"),
 *             () -> calculator("2+2"));                                   // tool.call -> tool.response
 *     tracker.logAgentResponse(answer, inputId);
 * }
 * }</pre>
 *
 * <h2>Parent links</h2>
 * Creating a tracker starts a run and makes its {@link InsideLlmContext} current on the creating thread; closing it
 * ends the run and restores the previous context. Inside a wrapper ({@code trackLlmCall}, {@code trackToolCall},
 * {@code trackAgentStep}, {@code trackFunction}) the wrapper's event is the parent of every event logged on that
 * thread, by this tracker or by an integration, until the wrapper returns. The scope is per thread and per run: it
 * never leaks into another thread or into the next run. To keep it on another thread, carry it explicitly with
 * {@link #wrap(Runnable)}, {@link #wrap(Callable)} or {@link #wrap(Executor)}.
 *
 * <h2>Failures</h2>
 * A wrapper whose call throws logs an {@code error} event (type, message, exception class and stack trace) and
 * rethrows the original exception unchanged, checked exceptions included. Recording itself never throws (unless the
 * client is in strict mode) and never stops the wrapped call from running. A {@code try}-with-resources block cannot
 * tell {@link #close()} about an exception; to record a run that ends with one as the Python SDK does (a
 * {@code context_error} and {@code exit_reason} {@code "error"}), use {@link InsideLlmClient#track(String,
 * TrackerBody)} or call {@link #closeExceptionally(Throwable)}.
 *
 * <p>Every recording method returns the id of the event it logged. A tracker is thread-safe, but its run's context is
 * current only on the thread that created it; close it on that thread.
 */
public final class InsideLlmTracker implements AutoCloseable {

    /** The {@code tool_type} used when none is given, as in the Python SDK. */
    public static final String DEFAULT_TOOL_TYPE = "function";

    private final boolean recording;
    private final String userId;
    private final TrackerRun run;
    private final TrackerCalls calls;

    InsideLlmTracker(InsideLlmClient client, String userId, @Nullable Map<String, ?> metadata) {
        Objects.requireNonNull(client, "client");
        this.userId = Objects.requireNonNull(userId, "userId");
        CallRecorder recorder = CallRecorder.of(client);
        this.recording = recorder.recording();
        this.run = new TrackerRun(client, recording, userId, metadata);
        this.calls = new TrackerCalls(recorder, run.runId(), userId, run.context());
    }

    /** The id of this tracker's run. */
    public String runId() {
        return run.runId();
    }

    /** The user this run is recorded for. */
    public String userId() {
        return userId;
    }

    /**
     * The context to continue this run elsewhere: the current thread's context if it belongs to this run (so it
     * carries the innermost wrapper's event as parent), else the run's top-level context.
     */
    public InsideLlmContext context() {
        return run.current();
    }

    /** Returns a runnable that runs {@code task} in this run's {@linkplain #context() current context}. */
    public Runnable wrap(Runnable task) {
        return context().wrap(task);
    }

    /** Returns a callable that calls {@code task} in this run's {@linkplain #context() current context}. */
    public <T> Callable<T> wrap(Callable<T> task) {
        return context().wrap(task);
    }

    /** Returns an executor that runs every task in the context current when this method was called. */
    public Executor wrap(Executor executor) {
        return context().wrap(executor);
    }

    // ---------------------------------------------------------------- log methods

    /** Logs a {@code user.input} event. */
    public String logUserInput(String inputText) {
        return calls.emit(() -> Event.builder(EventType.USER_INPUT).payload(new Payload.UserInput(inputText)),
                calls.currentParent(), null, null);
    }

    /** Logs a {@code user.input} event with metadata (string, number or boolean values). */
    public String logUserInput(String inputText, Map<String, ?> metadata) {
        return calls.emit(() -> Event.builder(EventType.USER_INPUT).payload(new Payload.UserInput(inputText)),
                calls.currentParent(), metadata, null);
    }

    /** Logs an {@code agent.response} event. */
    public String logAgentResponse(String responseText) {
        return logAgentResponse(responseText, null);
    }

    /**
     * Logs an {@code agent.response} event answering {@code parentEventId} (typically the {@code user.input}'s id),
     * or the current parent when {@code null}.
     */
    public String logAgentResponse(String responseText, @Nullable String parentEventId) {
        return calls.emit(() -> Event.builder(EventType.AGENT_RESPONSE)
                .payload(new Payload.AgentResponse(responseText)), calls.parentOr(parentEventId), null, null);
    }

    /** Logs an {@code llm.request} event. */
    public String logLlmRequest(String modelName, String provider, String prompt) {
        return logLlmRequest(() -> new Payload.LlmRequest(modelName, provider, prompt));
    }

    /** Logs an {@code llm.request} event with parameters, system message or chat messages. */
    public String logLlmRequest(Payload.LlmRequest request) {
        return logLlmRequest(() -> request);
    }

    private String logLlmRequest(Supplier<Payload.LlmRequest> request) {
        return calls.emit(() -> Event.builder(EventType.LLM_REQUEST).payload(request.get()), calls.currentParent(),
                null, null);
    }

    /** Logs an {@code llm.response} event answering the request {@code parentEventId} (or the current parent). */
    public String logLlmResponse(String modelName, String provider, String responseText,
            @Nullable String parentEventId) {
        return logLlmResponse(() -> new Payload.LlmResponse(modelName, provider, responseText), parentEventId);
    }

    /** Logs an {@code llm.response} event with usage, finish reason, latency or cost. */
    public String logLlmResponse(Payload.LlmResponse response, @Nullable String parentEventId) {
        return logLlmResponse(() -> response, parentEventId);
    }

    private String logLlmResponse(Supplier<Payload.LlmResponse> response, @Nullable String parentEventId) {
        return calls.emit(() -> Event.builder(EventType.LLM_RESPONSE).payload(response.get()),
                calls.parentOr(parentEventId), null, null);
    }

    /** Logs a {@code tool.call} event with tool type {@value #DEFAULT_TOOL_TYPE}. */
    public String logToolCall(String toolName, Map<String, ?> parameters) {
        return logToolCall(toolName, DEFAULT_TOOL_TYPE, parameters);
    }

    /** Logs a {@code tool.call} event. */
    public String logToolCall(String toolName, String toolType, Map<String, ?> parameters) {
        return calls.emit(() -> Event.builder(EventType.TOOL_CALL)
                .payload(new Payload.ToolCall(toolName, toolType, parameters)), calls.currentParent(), null, null);
    }

    /** Logs a successful {@code tool.response} event answering the call {@code parentEventId}. */
    public String logToolResponse(String toolName, @Nullable Object responseData, @Nullable String parentEventId) {
        return calls.emit(() -> Event.builder(EventType.TOOL_RESPONSE).payload(
                new Payload.ToolResponse(toolName, DEFAULT_TOOL_TYPE, TrackerCalls.wireValue(responseData))),
                calls.parentOr(parentEventId), null, null);
    }

    /** Logs a {@code tool.response} event with timing, success and error message. */
    public String logToolResponse(Payload.ToolResponse response, @Nullable String parentEventId) {
        return calls.emit(() -> Event.builder(EventType.TOOL_RESPONSE).payload(response),
                calls.parentOr(parentEventId), null, null);
    }

    /** Logs an {@code error} event of severity {@code error}. */
    public String logError(String errorType, String errorMessage) {
        return logError(errorType, errorMessage, null);
    }

    /** Logs an {@code error} event caused by {@code parentEventId} (or the current parent). */
    public String logError(String errorType, String errorMessage, @Nullable String parentEventId) {
        return calls.emit(() -> Event.builder(EventType.ERROR).payload(new Payload.Error(errorType, errorMessage)),
                calls.parentOr(parentEventId), null, null);
    }

    /** Logs an {@code error} event with code, stack trace, context or severity. */
    public String logError(Payload.Error error, @Nullable String parentEventId) {
        return calls.emit(() -> Event.builder(EventType.ERROR).payload(error), calls.parentOr(parentEventId),
                null, null);
    }

    /**
     * Logs an {@code error} event for an exception: {@code error_type} {@code "exception"}, its message, its class in
     * {@code context.exception_class} and its stack trace.
     */
    public String logError(Throwable error) {
        return calls.logFailure("exception", error, calls.currentParent(), Map.of());
    }

    /** Logs a {@code performance_metric} event (a gauge). */
    public String logPerformanceMetric(String metricName, Number metricValue, @Nullable String metricUnit) {
        return calls.emit(() -> Event.builder(EventType.PERFORMANCE_METRIC)
                .payload(new Payload.PerformanceMetric(metricName, metricValue, metricUnit)), calls.currentParent(),
                null, null);
    }

    /**
     * Logs an event of any type with a typed payload, in this run and under the current parent, with optional
     * metadata.
     */
    public String log(Payload payload, @Nullable Map<String, ?> metadata) {
        return calls.emit(() -> Event.builder(payload.type()).payload(payload), calls.currentParent(), metadata, null);
    }

    // ---------------------------------------------------------------- wrappers

    /**
     * Calls an LLM and records it: {@code llm.request} before, then {@code llm.response} (with latency) naming the
     * request as parent, or an {@code error} event when the call throws.
     *
     * <p>What the call returns decides what is recorded: an {@link LlmCallResult} with all its fields (usage, finish
     * reason, cost...), anything else as {@code response_text} via {@code toString()}. The value is returned as it is.
     *
     * @throws E whatever the call throws, unchanged
     */
    public <T, E extends Exception> T trackLlmCall(String modelName, String provider, String prompt,
            TrackedCall<T, E> call) throws E {
        return calls.llmCall(() -> new Payload.LlmRequest(modelName, provider, prompt), call, TrackerCalls::toResult);
    }

    /**
     * Like {@link #trackLlmCall(String, String, String, TrackedCall)}, mapping the call's result (for example the
     * provider SDK's response object) to what is recorded. A mapper that throws loses the {@code llm.response}
     * event, never the result.
     */
    public <T, E extends Exception> T trackLlmCall(String modelName, String provider, String prompt,
            TrackedCall<T, E> call, Function<? super T, LlmCallResult> describe) throws E {
        Objects.requireNonNull(describe, "describe");
        return calls.llmCall(() -> new Payload.LlmRequest(modelName, provider, prompt), call, describe);
    }

    /** Like {@link #trackLlmCall(String, String, String, TrackedCall)} with a full request (messages, parameters). */
    public <T, E extends Exception> T trackLlmCall(Payload.LlmRequest request, TrackedCall<T, E> call) throws E {
        return calls.llmCall(() -> request, call, TrackerCalls::toResult);
    }

    /**
     * Calls an asynchronous LLM client and records it: {@code llm.request} now, then {@code llm.response} (with the
     * time until the stage completed) or an {@code error} event when the stage completes. The supplier runs with the
     * request as the current parent; the returned future completes with the stage's value or exception once the
     * outcome is recorded. Complete it before closing the tracker, or the response is recorded after {@code run.end}.
     */
    public <T> CompletableFuture<T> trackLlmCallAsync(String modelName, String provider, String prompt,
            Supplier<? extends CompletionStage<T>> call) {
        return calls.llmCallAsync(() -> new Payload.LlmRequest(modelName, provider, prompt), call,
                TrackerCalls::toResult);
    }

    /** Like {@link #trackLlmCallAsync(String, String, String, Supplier)}, mapping the result to what is recorded. */
    public <T> CompletableFuture<T> trackLlmCallAsync(String modelName, String provider, String prompt,
            Supplier<? extends CompletionStage<T>> call, Function<? super T, LlmCallResult> describe) {
        Objects.requireNonNull(describe, "describe");
        return calls.llmCallAsync(() -> new Payload.LlmRequest(modelName, provider, prompt), call, describe);
    }

    /**
     * Calls a tool (of type {@value #DEFAULT_TOOL_TYPE}) and records it: {@code tool.call} before, then
     * {@code tool.response} with the result and execution time; when the call throws, a failed {@code tool.response}
     * and an {@code error} event.
     *
     * @throws E whatever the call throws, unchanged
     */
    public <T, E extends Exception> T trackToolCall(String toolName, Map<String, ?> parameters, TrackedCall<T, E> call)
            throws E {
        return trackToolCall(toolName, DEFAULT_TOOL_TYPE, parameters, call);
    }

    /** Like {@link #trackToolCall(String, Map, TrackedCall)} with a tool type. */
    public <T, E extends Exception> T trackToolCall(String toolName, String toolType, Map<String, ?> parameters,
            TrackedCall<T, E> call) throws E {
        return calls.toolCall(toolName, toolType, parameters, call);
    }

    /**
     * Runs an agent step and records it as {@code agent.reasoning} (type {@code stepName}, the result as reasoning
     * steps when it is text or a list of text, the time taken). Events logged inside the step name it as their
     * parent. When the step throws, the {@code agent.reasoning} event carries {@code success: false} and an
     * {@code error} event follows.
     *
     * @throws E whatever the step throws, unchanged
     */
    public <T, E extends Exception> T trackAgentStep(String stepName, TrackedCall<T, E> step) throws E {
        Objects.requireNonNull(step, "step");
        return calls.agentStep(stepName, step);
    }

    /** Like {@link #trackAgentStep(String, TrackedCall)} for a step without a result. */
    public <E extends Exception> void trackAgentStep(String stepName, TrackedRunnable<E> step) throws E {
        Objects.requireNonNull(step, "step");
        this.<@Nullable Object, E>trackAgentStep(stepName, () -> {
            step.run();
            return null;
        });
    }

    /**
     * Runs a function and records it as one {@code function_execution} event (name, arguments, return value,
     * execution time, success). Events logged inside name it as their parent. When the function throws, the event
     * carries {@code success: false} and the error message, and an {@code error} event follows.
     *
     * @throws E whatever the function throws, unchanged
     */
    public <T, E extends Exception> T trackFunction(String functionName, Map<String, ?> args,
            TrackedCall<T, E> function) throws E {
        Objects.requireNonNull(function, "function");
        return calls.function(functionName, args, function);
    }

    /** Like {@link #trackFunction(String, Map, TrackedCall)} for a function without a result. */
    public <E extends Exception> void trackFunction(String functionName, Map<String, ?> args,
            TrackedRunnable<E> function) throws E {
        Objects.requireNonNull(function, "function");
        this.<@Nullable Object, E>trackFunction(functionName, args, () -> {
            function.run();
            return null;
        });
    }

    // ---------------------------------------------------------------- closing

    /**
     * Ends the run ({@code run.end} with exit reason {@code "completed"}) and restores the context that was current
     * before the tracker was created. Idempotent.
     */
    @Override
    public void close() {
        run.end("completed");
    }

    /**
     * Ends the run because of {@code error}: logs a {@code context_error} event (as the Python SDK does when its
     * context manager exits with an exception), then {@code run.end} with exit reason {@code "error"}. Does not
     * throw {@code error}; the caller rethrows it. Does nothing if the tracker is already closed.
     */
    public void closeExceptionally(Throwable error) {
        Objects.requireNonNull(error, "error");
        if (recording && !run.closed()) {
            TrackerCalls.whileFailing(error,
                    () -> calls.logFailure("context_error", error, null, Map.of("operation", "run")));
        }
        TrackerCalls.whileFailing(error, () -> run.end("error"));
    }

    @Override
    public String toString() {
        return "InsideLlmTracker{runId=" + run.runId() + ", closed=" + run.closed() + "}";
    }
}
