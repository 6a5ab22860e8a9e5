package com.insidellm.spring;

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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of an annotated method, from the event that opens it to the one that closes it. Opened on the calling
 * thread; closed exactly once, on whichever thread the result completes. Never throws.
 */
final class TrackedCall {

    private static final Logger log = LoggerFactory.getLogger(TrackedCall.class);
    private static final int MAX_STACK_FRAMES = 30;
    /** What required text fields read without content capture: the marker the core's content filter uses. */
    static final String NOT_CAPTURED = "[NOT CAPTURED]";

    private final InsideLlmClient client;
    private final TrackedMethod method;
    private final TrackingExpressions.Evaluation evaluation;
    private final String[] parameterNames;
    private final @Nullable Object[] args;
    private final String runId;
    private final String userId;
    private final @Nullable String parentEventId;
    private final boolean ownsRun;
    private final Map<Throwable, Boolean> recordedErrors;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long startNanos = System.nanoTime();
    /** The event nested calls name as their parent: the opening event, or the closing one for single-event kinds. */
    private @Nullable String ownEventId;

    TrackedCall(InsideLlmClient client, TrackedMethod method, TrackingExpressions.Evaluation evaluation,
            String[] parameterNames, @Nullable Object[] args, String runId, String userId,
            @Nullable String parentEventId, boolean ownsRun, Map<Throwable, Boolean> recordedErrors) {
        this.client = client;
        this.method = method;
        this.evaluation = evaluation;
        this.parameterNames = parameterNames;
        this.args = args;
        this.runId = runId;
        this.userId = userId;
        this.parentEventId = parentEventId;
        this.ownsRun = ownsRun;
        this.recordedErrors = recordedErrors;
    }

    /** The context the method body runs in. */
    InsideLlmContext context() {
        return InsideLlmContext.of(runId, userId).withParent(ownEventId != null ? ownEventId : parentEventId);
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
                ownEventId = log(Event.builder(EventType.LLM_REQUEST).payload(new Payload.LlmRequest(method.model(),
                        method.provider(), prompt, asMap(parameters), null, null)), parentEventId, null);
            }
            case TOOL -> {
                String id = UUID.randomUUID().toString();
                Map<String, ?> parameters = content ? asMap(evaluation.value(method.parameters(), argumentMap()))
                        : Map.of();
                log(Event.builder(EventType.TOOL_CALL).payload(new Payload.ToolCall(method.name(), method.type(),
                        parameters == null ? Map.of() : parameters, id)), parentEventId, id);
                ownEventId = id;
            }
            case STEP, FUNCTION -> ownEventId = UUID.randomUUID().toString();
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
            long elapsedMs = elapsedMs();
            if (kind != null && content) {
                evaluation.result(result);
            }
            if (kind != null) {
                switch (kind) {
                    case LLM -> log(Event.builder(EventType.LLM_RESPONSE).payload(new Payload.LlmResponse(
                            method.model(), method.provider(),
                            content ? ContentRenderer.text(evaluation.value(method.output(), result)) : NOT_CAPTURED,
                            null, null, elapsedMs, null)), ownEventId, null);
                    case TOOL -> log(Event.builder(EventType.TOOL_RESPONSE).payload(new Payload.ToolResponse(
                            method.name(), method.type(), ownEventId,
                            content ? ContentRenderer.render(evaluation.value(method.output(), result)) : null,
                            elapsedMs, true, null)), ownEventId, null);
                    case STEP -> log(Event.builder(EventType.AGENT_REASONING).payload(new Payload.AgentReasoning(
                            method.name(), content ? steps(evaluation.value(method.output(), result)) : List.of(),
                            null, elapsedMs)), parentEventId, ownEventId);
                    case FUNCTION -> log(Event.builder(EventType.FUNCTION_EXECUTION).payload(
                            new Payload.FunctionExecution(method.name(), functionArgs(),
                                    content ? ContentRenderer.render(evaluation.value(method.output(), result)) : null,
                                    elapsedMs, true, null)), parentEventId, ownEventId);
                }
            }
            if (ownsRun) {
                client.endRun(runId, "completed");
            }
        } catch (RuntimeException e) {
            log.debug("InsideLLM: could not record the completion of {}", method.function(), e);
        }
    }

    /** Records the method's failure with {@code error} (which the caller rethrows). */
    void failed(Throwable error) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            boolean first = recordedErrors.putIfAbsent(error, Boolean.TRUE) == null;
            String message = errorMessage(error);
            TrackedMethod.Kind kind = method.kind();
            long elapsedMs = elapsedMs();
            String errorParent = ownEventId != null ? ownEventId : parentEventId;
            String errorId = null;
            if (kind == TrackedMethod.Kind.TOOL) {
                log(Event.builder(EventType.TOOL_RESPONSE).payload(new Payload.ToolResponse(method.name(),
                        method.type(), ownEventId, null, elapsedMs, false, message)), ownEventId, null);
            } else if (kind == TrackedMethod.Kind.FUNCTION) {
                log(Event.builder(EventType.FUNCTION_EXECUTION).payload(new Payload.FunctionExecution(method.name(),
                        functionArgs(), null, elapsedMs, false, message)), parentEventId, ownEventId);
            } else if (kind == TrackedMethod.Kind.STEP) {
                // The error takes the step's place (and id), so events nested in the step keep a parent.
                errorParent = parentEventId;
                errorId = ownEventId;
            }
            if (first || errorId != null) {
                log(Event.builder(EventType.ERROR).payload(new Payload.Error(error.getClass().getName(), message,
                        null, stackTrace(error), Map.of("function", method.function()), "error")), errorParent,
                        errorId);
            }
            if (ownsRun) {
                client.endRun(runId, "error");
            }
        } catch (RuntimeException e) {
            log.debug("InsideLLM: could not record the failure of {}", method.function(), e);
        }
    }

    /** Records that the subscriber cancelled a reactive result: the run ends, nothing else is claimed. */
    void cancelled() {
        if (closed.compareAndSet(false, true) && ownsRun) {
            client.endRun(runId, "cancelled");
        }
    }

    private @Nullable String log(Event.Builder builder, @Nullable String parent, @Nullable String eventId) {
        try {
            builder.runId(runId).userId(userId).parentEventId(parent).metadata("code.function", method.function());
            if (eventId != null) {
                builder.eventId(eventId);
            }
            Event event = builder.build();
            client.logEvent(event);
            return event.eventId();
        } catch (RuntimeException e) {
            log.debug("InsideLLM: could not record an event of {}", method.function(), e);
            return eventId;
        }
    }

    private long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
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

    private String errorMessage(Throwable error) {
        String message = error.getMessage();
        // An exception message can quote user content; without content capture only the type is recorded.
        return method.captureContent() && message != null ? message : error.getClass().getSimpleName();
    }

    private static String stackTrace(Throwable error) {
        StringBuilder sb = new StringBuilder(error.getClass().getName());
        StackTraceElement[] frames = error.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, MAX_STACK_FRAMES); i++) {
            sb.append("\n\tat ").append(frames[i]);
        }
        if (frames.length > MAX_STACK_FRAMES) {
            sb.append("\n\t... ").append(frames.length - MAX_STACK_FRAMES).append(" more");
        }
        return sb.toString();
    }
}
