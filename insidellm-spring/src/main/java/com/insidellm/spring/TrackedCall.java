package com.insidellm.spring;

import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.Payload;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of an annotated method, from the event that opens it to the one that closes it, recorded through core's
 * {@link CallRecorder} (ids, timing, parent links, the error event, the {@value CallRecorder#NOT_CAPTURED} marker).
 * Opened on the calling thread; closed exactly once, on whichever thread the result completes. Never throws.
 */
final class TrackedCall {

    private static final Logger log = LoggerFactory.getLogger(TrackedCall.class);
    /** What required text fields read without content capture. */
    static final String NOT_CAPTURED = CallRecorder.NOT_CAPTURED;

    private final InsideLlmClient client;
    private final CallRecorder recorder;
    private final TrackedMethod method;
    private final TrackingExpressions.Evaluation evaluation;
    private final String[] parameterNames;
    private final @Nullable Object[] args;
    private final boolean ownsRun;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CallRecorder.Call call;

    TrackedCall(CallRecorder recorder, TrackedMethod method, TrackingExpressions.Evaluation evaluation,
            String[] parameterNames, @Nullable Object[] args, InsideLlmContext where, boolean ownsRun) {
        this.client = recorder.client();
        this.recorder = recorder;
        this.method = method;
        this.evaluation = evaluation;
        this.parameterNames = parameterNames;
        this.args = args;
        this.ownsRun = ownsRun;
        this.call = recorder.open(where);
    }

    /** The context the method body runs in: under the call's event, or where it was opened for a bare run. */
    InsideLlmContext context() {
        return method.kind() == null ? call.where() : call.context();
    }

    /** Records the opening event, if the kind has one. */
    void open() {
        TrackedMethod.Kind kind = method.kind();
        if (kind == null) {
            return;
        }
        boolean content = method.captureContent();
        switch (kind) {
            case LLM -> {
                String prompt = content ? ContentRenderer.text(evaluation.value(method.input(), defaultInput()))
                        : NOT_CAPTURED;
                Object parameters = content ? evaluation.value(method.parameters(), null) : null;
                log(call::start, Event.builder(EventType.LLM_REQUEST).payload(new Payload.LlmRequest(method.model(),
                        method.provider(), prompt, asMap(parameters), null, null)));
            }
            case TOOL -> {
                Map<String, ?> parameters = content ? asMap(evaluation.value(method.parameters(), argumentMap()))
                        : Map.of();
                log(call::start, Event.builder(EventType.TOOL_CALL).payload(new Payload.ToolCall(method.name(),
                        method.type(), parameters == null ? Map.of() : parameters, call.eventId())));
            }
            case STEP, FUNCTION -> {
                // One event, recorded when the method returns, with the id its nested calls already name.
            }
        }
    }

    /** Records the method's normal completion with {@code result}. */
    void succeeded(@Nullable Object result) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            TrackedMethod.Kind kind = method.kind();
            boolean content = method.captureContent();
            long elapsedMs = call.elapsedMs();
            if (kind != null && content) {
                evaluation.result(result);
            }
            if (kind != null) {
                switch (kind) {
                    case LLM -> log(call::end, Event.builder(EventType.LLM_RESPONSE).payload(new Payload.LlmResponse(
                            method.model(), method.provider(),
                            content ? ContentRenderer.text(evaluation.value(method.output(), result)) : NOT_CAPTURED,
                            null, null, elapsedMs, null)));
                    case TOOL -> log(call::end, Event.builder(EventType.TOOL_RESPONSE).payload(new Payload.ToolResponse(
                            method.name(), method.type(), call.eventId(),
                            content ? ContentRenderer.render(evaluation.value(method.output(), result)) : null,
                            elapsedMs, true, null)));
                    case STEP -> log(call::complete, Event.builder(EventType.AGENT_REASONING).payload(
                            new Payload.AgentReasoning(method.name(),
                                    content ? steps(evaluation.value(method.output(), result)) : List.of(), null,
                                    elapsedMs)));
                    case FUNCTION -> log(call::complete, Event.builder(EventType.FUNCTION_EXECUTION).payload(
                            new Payload.FunctionExecution(method.name(), functionArgs(),
                                    content ? ContentRenderer.render(evaluation.value(method.output(), result)) : null,
                                    elapsedMs, true, null)));
                }
            }
            if (ownsRun) {
                client.endRun(call.where().runId(), "completed");
            }
        } catch (RuntimeException e) {
            log.debug("InsideLLM: could not record the completion of {}", method.function(), e);
        }
    }

    /**
     * Records the method's failure with {@code error} (which the caller rethrows): the call's own failed event, then
     * the {@code error} event under it, once per exception however many annotated methods it passes through.
     */
    void failed(Throwable error) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            boolean content = method.captureContent();
            String message = CallRecorder.errorMessage(error, content);
            TrackedMethod.Kind kind = method.kind();
            long elapsedMs = call.elapsedMs();
            if (kind == TrackedMethod.Kind.TOOL) {
                log(call::end, Event.builder(EventType.TOOL_RESPONSE).payload(new Payload.ToolResponse(method.name(),
                        method.type(), call.eventId(), null, elapsedMs, false, message)));
            } else if (kind == TrackedMethod.Kind.FUNCTION) {
                log(call::complete, Event.builder(EventType.FUNCTION_EXECUTION).payload(new Payload.FunctionExecution(
                        method.name(), functionArgs(), null, elapsedMs, false, message)));
            } else if (kind == TrackedMethod.Kind.STEP) {
                // As the tracker records a failed step: the step still appears (events nested in it keep their
                // parent), marked failed.
                log(call::complete, Event.builder(EventType.AGENT_REASONING).payload(new Payload.AgentReasoning(
                        method.name(), List.of(), null, elapsedMs)).payloadEntry("success", false)
                        .payloadEntry("error_message", message));
            }
            if (CallRecorder.firstRecording(error)) {
                Event.Builder event = CallRecorder.error(error.getClass().getName(), error, null,
                        Map.of("function", method.function()), content);
                log(kind == null ? this::logWhere : call::end, event);
            }
            if (ownsRun) {
                client.endRun(call.where().runId(), "error");
            }
        } catch (RuntimeException e) {
            log.debug("InsideLLM: could not record the failure of {}", method.function(), e);
        }
    }

    /** Records that the subscriber cancelled a reactive result: the run ends, nothing else is claimed. */
    void cancelled() {
        if (closed.compareAndSet(false, true) && ownsRun) {
            client.endRun(call.where().runId(), "cancelled");
        }
    }

    private String logWhere(Event.Builder event) {
        return recorder.log(call.where(), event);
    }

    private void log(Function<Event.Builder, String> where, Event.Builder event) {
        try {
            where.apply(event.metadata("code.function", method.function()));
        } catch (RuntimeException e) {
            log.debug("InsideLLM: could not record an event of {}", method.function(), e);
        }
    }

    /** The prompt when no expression chooses it: the single argument, or every argument as "name: value" lines. */
    private @Nullable Object defaultInput() {
        if (args.length == 1) {
            return args[0];
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            sb.append(name(i)).append(": ").append(ContentRenderer.text(args[i]));
        }
        return sb.toString();
    }

    private Map<String, @Nullable Object> argumentMap() {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            map.put(name(i), args[i]);
        }
        return map;
    }

    private Map<String, ?> functionArgs() {
        if (!method.captureContent()) {
            return Map.of();
        }
        Map<String, ?> map = asMap(evaluation.value(method.parameters(), argumentMap()));
        return map == null ? Map.of() : map;
    }

    private String name(int index) {
        return index < parameterNames.length ? parameterNames[index] : "arg" + index;
    }

    /** A map value as a rendered map; any other value as {@code {"input": value}}; null as null. */
    @SuppressWarnings("unchecked")
    private static @Nullable Map<String, ?> asMap(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        Object rendered = ContentRenderer.render(value instanceof Map<?, ?> ? value : Map.of("input", value));
        return (Map<String, ?>) rendered;
    }

    private static List<String> steps(@Nullable Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> collection) {
            List<String> steps = new ArrayList<>(collection.size());
            collection.forEach(step -> steps.add(ContentRenderer.text(step)));
            return steps;
        }
        return List.of(ContentRenderer.text(value));
    }
}
