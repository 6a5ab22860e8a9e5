package com.insidellm.langchain4j;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmContext;
import com.insidellm.Payload;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tool executions: {@code tool.call} and {@code tool.response}, timed by LangChain4j's before- and after-tool hooks
 * and recorded when the AI service reports the execution.
 *
 * <p>While a tool runs, its {@code tool.call} event (its id allocated by the before-tool hook) is the current parent
 * on the tool's thread: what the tool records through InsideLLM — a tracked method, an annotated Spring bean, a nested
 * AI service — becomes the tool call's child. Thread-safe.
 */
final class ToolCalls {

    private static final Logger log = LoggerFactory.getLogger(ToolCalls.class);
    static final String TOOL_TYPE = "function";
    private static final int MAX_PENDING_TOOLS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Placements placements;
    private final Map<String, Timing> timings = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Timing> eldest) {
                    return size() > MAX_PENDING_TOOLS;
                }
            });

    ToolCalls(Placements placements) {
        this.placements = placements;
    }

    /** Before the tool runs, on its thread: its call id is allocated and made the current parent. */
    void before(ToolExecutionRequest request, @Nullable InvocationContext context) {
        try {
            Timing timing = new Timing(placements.clock().instant(), System.nanoTime());
            Invocation invocation = placements.invocation(context);
            InsideLlmContext scope = InsideLlmContext.current();
            String runId = invocation != null ? invocation.runId : scope != null ? scope.runId() : null;
            if (runId != null && (scope == null || scope.runId().equals(runId))) {
                String user = invocation != null ? invocation.userId : scope.userId();
                timing.scope = InsideLlmContext.of(runId, user).withParent(timing.callEventId).makeCurrent();
                timing.thread = Thread.currentThread();
            }
            timings.put(key(request), timing);
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not time a tool execution", e);
        }
    }

    /** After the tool ran, on its thread: ends its scope and notes the outcome. */
    void after(ToolExecutionRequest request, @Nullable String result, boolean failed) {
        try {
            Timing timing = timings.get(key(request));
            if (timing != null) {
                timing.endNanos = System.nanoTime();
                timing.endedAt = placements.clock().instant();
                timing.failed = failed;
                timing.result = result;
                timing.closeScope();
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not time a tool execution", e);
        }
    }

    /** The AI service reports the execution: its events are recorded. */
    void executed(@Nullable InvocationContext context, ToolExecutionRequest request, @Nullable String resultText) {
        try {
            Invocation invocation = placements.invocation(context);
            Timing timing = timings.remove(key(request));
            if (timing != null) {
                timing.closeScope();
            }
            Placement placement = placements.in(invocation, invocation == null ? null
                    : invocation.lastLlmResponseId != null ? invocation.lastLlmResponseId : invocation.chainStartId);
            String result = resultText != null ? resultText : timing != null ? timing.result : null;
            Instant now = placements.clock().instant();
            String callEventId = timing != null ? timing.callEventId : CallRecorder.newId();
            placements.emit(placement, placement.parentEventId(), Event.builder(EventType.TOOL_CALL)
                    .eventId(callEventId).timestamp(timing != null ? timing.startedAt : now)
                    .payload(new Payload.ToolCall(request.name(), TOOL_TYPE, arguments(request.arguments()),
                            request.id())));
            boolean failed = timing != null && timing.failed;
            Long duration = timing != null && timing.endNanos != 0
                    ? TimeUnit.NANOSECONDS.toMillis(timing.endNanos - timing.startNanos) : null;
            placements.emit(placement, callEventId, Event.builder(EventType.TOOL_RESPONSE)
                    .timestamp(timing != null && timing.endedAt != null ? timing.endedAt : now)
                    .payload(new Payload.ToolResponse(request.name(), TOOL_TYPE, request.id(), result, duration,
                            !failed, failed ? result : null)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record a tool execution", e);
        }
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

    /** By value: the hooks and the tool-executed event see different objects for the same request. */
    private static String key(ToolExecutionRequest request) {
        return request.id() + '\u0000' + request.name() + '\u0000' + request.arguments();
    }

    /** Start and end of one tool execution, and the scope that makes its call the parent while it runs. */
    private static final class Timing {
        final String callEventId = CallRecorder.newId();
        final Instant startedAt;
        final long startNanos;
        volatile long endNanos;
        volatile @Nullable Instant endedAt;
        volatile boolean failed;
        volatile @Nullable String result;
        InsideLlmContext.@Nullable Scope scope;
        @Nullable Thread thread;

        Timing(Instant startedAt, long startNanos) {
            this.startedAt = startedAt;
            this.startNanos = startNanos;
        }

        /** Ends the tool's scope, once, and only on the thread that opened it (a scope is per thread). */
        synchronized void closeScope() {
            if (scope != null && thread == Thread.currentThread()) {
                scope.close();
                scope = null;
            }
        }
    }
}
