package com.insidellm;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an {@link InsideLlmTracker} records its wrappers and log methods through {@link CallRecorder}: the run's events,
 * built inside a guard so a bad argument costs the event and never the caller's call. Thread-safe.
 */
final class TrackerCalls {

    private static final Logger log = LoggerFactory.getLogger(TrackerCalls.class);

    private final CallRecorder recorder;
    private final boolean recording;
    private final String runId;
    private final String userId;
    private final InsideLlmContext context;

    TrackerCalls(CallRecorder recorder, String runId, String userId, InsideLlmContext context) {
        this.recorder = recorder;
        this.recording = recorder.recording();
        this.runId = runId;
        this.userId = userId;
        this.context = context;
    }

    <T, E extends Exception> T llmCall(Supplier<Payload.LlmRequest> request, TrackedCall<T, E> call,
            Function<? super T, LlmCallResult> describe) throws E {
        Objects.requireNonNull(call, "call");
        if (!recording) {
            return call.call();
        }
        LlmCallRecording llm = new LlmCallRecording(request);
        T result;
        try (InsideLlmContext.Scope ignored = llm.call.makeCurrent()) {
            result = call.call();
        } catch (Throwable t) {
            llm.failed(t);
            throw t;
        }
        llm.succeeded(result, describe);
        return result;
    }

    <T> CompletableFuture<T> llmCallAsync(Supplier<Payload.LlmRequest> request,
            Supplier<? extends CompletionStage<T>> call, Function<? super T, LlmCallResult> describe) {
        Objects.requireNonNull(call, "call");
        if (!recording) {
            return call.get().toCompletableFuture();
        }
        LlmCallRecording llm = new LlmCallRecording(request);
        CompletionStage<T> stage;
        try (InsideLlmContext.Scope ignored = llm.call.makeCurrent()) {
            stage = call.get();
        } catch (RuntimeException | Error t) {
            llm.failed(t);
            throw t;
        }
        return stage.whenComplete((value, error) -> {
            if (error != null) {
                llm.failed(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            } else {
                try {
                    llm.succeeded(value, describe);
                } catch (RuntimeException e) {
                    // Strict mode: the caller's value must still arrive.
                    log.debug("InsideLLM could not record an asynchronous LLM response: {}", e.toString());
                }
            }
        }).toCompletableFuture();
    }

    /** One LLM call being recorded: its request event, logged on creation, and the response or error to come. */
    private final class LlmCallRecording {
        private final Payload.@Nullable LlmRequest request;
        final CallRecorder.Call call;

        LlmCallRecording(Supplier<Payload.LlmRequest> request) {
            Payload.LlmRequest[] sent = new Payload.LlmRequest[1];
            this.call = open();
            start(call, () -> Event.builder(EventType.LLM_REQUEST).payload(sent[0] = request.get()));
            this.request = sent[0];
        }

        <T> void succeeded(T result, Function<? super T, LlmCallResult> describe) {
            long elapsedMs = call.elapsedMs();
            Payload.LlmRequest sent = request;
            if (sent != null) {
                emit(() -> llmResponse(sent, describe.apply(result), elapsedMs), call.eventId(), null, null);
            }
        }

        void failed(Throwable error) {
            Map<String, Object> where = new LinkedHashMap<>();
            where.put("operation", "llm_call");
            if (request != null) {
                where.put("model_name", request.modelName());
                where.put("provider", request.provider());
            }
            whileFailing(error, () -> fail(call, "llm_error", error, where));
        }
    }

    private static Event.Builder llmResponse(Payload.LlmRequest request, LlmCallResult result, long elapsedMs) {
        Event.Builder builder = Event.builder(EventType.LLM_RESPONSE).payload(new Payload.LlmResponse(
                request.modelName(), request.provider(), result.responseText(), result.finishReason(), result.usage(),
                elapsedMs, result.cost()));
        if (result.responseMessage() != null) {
            builder.payloadEntry("response_message", result.responseMessage());
        }
        if (result.responseId() != null) {
            builder.payloadEntry("response_id", result.responseId());
        }
        if (result.responseModel() != null) {
            builder.payloadEntry("response_model", result.responseModel());
        }
        return builder;
    }

    static LlmCallResult toResult(@Nullable Object value) {
        if (value instanceof LlmCallResult result) {
            return result;
        }
        return LlmCallResult.of(value == null ? "" : value.toString());
    }

    <T, E extends Exception> T toolCall(String toolName, String toolType, Map<String, ?> parameters,
            TrackedCall<T, E> call) throws E {
        Objects.requireNonNull(call, "call");
        return run(() -> Event.builder(EventType.TOOL_CALL).payload(new Payload.ToolCall(toolName, toolType,
                parameters)), call, (recording, result, failure, elapsedMs) -> emit(() -> Event.builder(
                        EventType.TOOL_RESPONSE).payload(new Payload.ToolResponse(toolName, toolType, null,
                        failure == null ? wireValue(result) : null, elapsedMs, failure == null,
                        failure == null ? null : CallRecorder.errorMessage(failure, true))),
                        recording.eventId(), null, null),
                "tool_error", Map.of("operation", "tool_call", "tool_name", String.valueOf(toolName)));
    }

    /** An agent step recorded as one {@code agent.reasoning} event after it ran, then its error if it failed. */
    <T, E extends Exception> T agentStep(String stepName, TrackedCall<T, E> step) throws E {
        return recordAfter(step, (result, failure, elapsedMs) -> {
            Event.Builder builder = Event.builder(EventType.AGENT_REASONING).payload(new Payload.AgentReasoning(
                    stepName, reasoningSteps(result), null, elapsedMs));
            return failure == null ? builder
                    : builder.payloadEntry("success", false)
                            .payloadEntry("error_message", CallRecorder.errorMessage(failure, true));
        }, "agent_step_error", Map.of("operation", "agent_step", "step_name", String.valueOf(stepName)));
    }

    /** A function recorded as one {@code function_execution} event after it ran, then its error if it failed. */
    <T, E extends Exception> T function(String functionName, Map<String, ?> args, TrackedCall<T, E> function)
            throws E {
        return recordAfter(function, (result, failure, elapsedMs) -> Event.builder(EventType.FUNCTION_EXECUTION)
                .payload(new Payload.FunctionExecution(functionName, args, wireValue(result), elapsedMs,
                        failure == null, failure == null ? null : CallRecorder.errorMessage(failure, true))),
                "function_error", Map.of("operation", "function_execution",
                        "function_name", String.valueOf(functionName)));
    }

    /** Builds the one event recorded after a call, from its result or failure. */
    @FunctionalInterface
    private interface Completion {
        Event.Builder event(@Nullable Object result, @Nullable Throwable failure, long elapsedMs);
    }

    /**
     * Runs {@code call} with a pre-allocated event id as the current parent, then logs that event (timestamped at
     * the start, so it sorts before its children) and, on failure, an {@code error} event under it
     * ({@link CallRecorder.Call#complete}).
     */
    private <T, E extends Exception> T recordAfter(TrackedCall<T, E> call, Completion completion, String errorType,
            Map<String, ?> where) throws E {
        return run(null, call, (recording, result, failure, elapsedMs) -> start(recording,
                () -> completion.event(result, failure, elapsedMs)), errorType, where);
    }

    /** What a wrapper records when its call returned or threw. */
    @FunctionalInterface
    private interface Outcome {
        void record(CallRecorder.Call recording, @Nullable Object result, @Nullable Throwable failure,
                long elapsedMs);
    }

    /**
     * Runs {@code call} as a call of this run: its opening event (if any) first, the call's id as the current parent
     * while it runs, then its outcome and, on failure, the {@code error} event under it.
     */
    private <T, E extends Exception> T run(@Nullable Supplier<Event.Builder> opening, TrackedCall<T, E> call,
            Outcome outcome, String errorType, Map<String, ?> where) throws E {
        if (!recording) {
            return call.call();
        }
        CallRecorder.Call recording = open();
        if (opening != null) {
            start(recording, opening);
        }
        T result;
        try (InsideLlmContext.Scope ignored = recording.makeCurrent()) {
            result = call.call();
        } catch (Throwable t) {
            long elapsedMs = recording.elapsedMs();
            whileFailing(t, () -> {
                outcome.record(recording, null, t, elapsedMs);
                fail(recording, errorType, t, where);
            });
            throw t;
        }
        outcome.record(recording, result, null, recording.elapsedMs());
        return result;
    }

    /**
     * Records a failure without ever replacing it: if recording throws (strict mode, a closed client), that exception
     * is attached to the application's as suppressed.
     */
    static void whileFailing(Throwable failure, Runnable recording) {
        try {
            recording.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Nullable String currentParent() {
        InsideLlmContext current = InsideLlmContext.current();
        return current != null && current.runId().equals(runId) ? current.parentEventId() : null;
    }

    @Nullable String parentOr(@Nullable String explicit) {
        return explicit != null ? explicit : currentParent();
    }

    /** A call of this run, opened under the current parent. */
    private CallRecorder.Call open() {
        return recorder.open(context.withParent(currentParent()));
    }

    /** Logs a call's own event; building runs inside the guard, as in {@link #emit}. */
    private void start(CallRecorder.Call call, Supplier<Event.Builder> event) {
        Event.Builder builder = build(event);
        if (builder != null) {
            call.start(builder);
        }
    }

    /** The error event of a wrapper's failure, under its call, unless an inner call recorded the exception. */
    private void fail(CallRecorder.Call call, String errorType, Throwable error, Map<String, ?> where) {
        if (recording && CallRecorder.firstRecording(error)) {
            call.end(CallRecorder.error(errorType, error, null, where, true));
        }
    }

    /** An error event for an exception the application hands over (it is noted as recorded, never skipped). */
    String logFailure(String errorType, Throwable error, @Nullable String parentEventId,
            Map<String, ?> where) {
        CallRecorder.firstRecording(error);
        return emit(() -> CallRecorder.error(errorType, error, null, where, true), parentEventId, null, null);
    }

    /**
     * Builds and logs an event of this run. Building runs inside the guard, so a bad argument (a null model name, a
     * mapper that throws) costs the event, never the caller's call.
     */
    String emit(Supplier<Event.Builder> event, @Nullable String parentEventId,
            @Nullable Map<String, ?> metadata, @Nullable String eventId) {
        if (!recording) {
            return eventId != null ? eventId : CallRecorder.newId();
        }
        Event.Builder builder = build(event);
        if (builder == null) {
            return eventId != null ? eventId : CallRecorder.newId();
        }
        if (metadata != null) {
            try {
                builder.metadata(metadata);
            } catch (RuntimeException e) {
                recorder.rejected(e);
                return eventId != null ? eventId : CallRecorder.newId();
            }
        }
        if (eventId != null) {
            builder.trustedEventId(eventId);
        }
        return recorder.log(runId, userId, parentEventId, builder);
    }

    private Event.@Nullable Builder build(Supplier<Event.Builder> event) {
        try {
            return event.get();
        } catch (RuntimeException e) {
            recorder.rejected(e);
            return null;
        }
    }

    private static List<String> reasoningSteps(@Nullable Object result) {
        if (result instanceof CharSequence text) {
            return List.of(text.toString());
        }
        if (result instanceof Collection<?> items && items.stream().allMatch(i -> i instanceof CharSequence)) {
            return items.stream().map(Object::toString).toList();
        }
        return List.of();
    }

    /**
     * A tool or function result as it goes on the wire: JSON-like values as they are, anything else as its
     * {@code toString()}, so that an application object's getters are never called by the serialiser.
     */
    static @Nullable Object wireValue(@Nullable Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Map<?, ?> || value instanceof Collection<?>) {
            return value;
        }
        if (value instanceof Enum<?> || value instanceof CharSequence || value instanceof Character) {
            return value.toString();
        }
        return String.valueOf(value);
    }
}
