package com.insidellm.spring;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.Payload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.model.tool.internal.ToolCallReactiveContextHolder;
import org.springframework.ai.tool.definition.ToolDefinition;
import reactor.util.context.ContextView;

/**
 * Records the tools Spring AI runs for a model: a {@code tool.call} when the model asks for a tool and a
 * {@code tool.response} with its result, children of the model call that asked for the tool (its {@code llm.request},
 * in its run). Where that call is found, first match wins:
 * <ul>
 *   <li>noted by {@link SpringAiChatModelInterceptor} when the call's answer asked for the tool
 *       ({@link SpringAiToolRequests}): Spring AI 2.0's {@code ChatClient} runs tools after the model call returned;</li>
 *   <li>the InsideLLM context current on this thread: Spring AI 1.1 runs tools inside a blocking model call, whose
 *       context the interceptor made current (or a run or annotated method around the tools);</li>
 *   <li>the Reactor context Spring AI hands to tools of a stream ({@code ToolCallReactiveContextHolder}), where the
 *       interceptor put the streamed call's context: Spring AI 1.1 runs a stream's tools on a Reactor thread.</li>
 * </ul>
 * Spring AI runs all the tool calls of one answer in one {@code executeToolCalls}, so each response's execution time
 * is that of the batch; when the answer asked for one tool, its {@code tool.call} is the current parent while it
 * runs, so what the tool records through InsideLLM nests under it. Thread-safe.
 */
final class SpringAiToolCallingManager implements ToolCallingManager {

    private static final Logger log = LoggerFactory.getLogger(SpringAiToolCallingManager.class);
    private static final String TOOL_TYPE = "function";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolCallingManager delegate;
    private final CallRecorder recorder;

    SpringAiToolCallingManager(ToolCallingManager delegate, InsideLlmClient client) {
        this.delegate = delegate;
        this.recorder = CallRecorder.of(client);
    }

    /** The manager being recorded. */
    ToolCallingManager delegate() {
        return delegate;
    }

    @Override
    public List<ToolDefinition> resolveToolDefinitions(ToolCallingChatOptions chatOptions) {
        return delegate.resolveToolDefinitions(chatOptions);
    }

    @Override
    public ToolExecutionResult executeToolCalls(Prompt prompt, ChatResponse chatResponse) {
        List<Open> open = open(chatResponse);
        ToolExecutionResult result;
        // One tool: what it records through InsideLLM nests under its tool.call (several run in one batch).
        // What the exception processor turned into answers: failures that do not leave executeToolCalls.
        SpringAiToolFailures.Batch failures = open.isEmpty() ? null : SpringAiToolFailures.begin();
        try (failures; InsideLlmContext.Scope ignored = open.size() == 1 ? open.get(0).call.makeCurrent() : null) {
            result = delegate.executeToolCalls(prompt, chatResponse);
        } catch (RuntimeException | Error e) {
            for (Open call : open) {
                try {
                    failed(call, null, e);
                } catch (RuntimeException | LinkageError recording) {
                    log.debug("InsideLLM could not record a failed Spring AI tool call", recording);
                }
            }
            throw e;
        }
        ended(open, result, failures);
        return result;
    }

    private List<Open> open(ChatResponse response) {
        if (!recorder.recording()) {
            return List.of();
        }
        List<Open> open = new ArrayList<>();
        try {
            InsideLlmContext current = null;
            boolean looked = false;
            for (Generation generation : response.getResults()) {
                AssistantMessage message = generation.getOutput();
                if (message == null || !message.hasToolCalls()) {
                    continue;
                }
                for (AssistantMessage.ToolCall request : message.getToolCalls()) {
                    InsideLlmContext where = SpringAiToolRequests.take(request);
                    if (where == null) {
                        if (!looked) {
                            current = current();
                            looked = true;
                        }
                        where = current;
                    }
                    if (where == null) {
                        continue;
                    }
                    CallRecorder.Call call = recorder.open(where);
                    call.start(Event.builder(EventType.TOOL_CALL).payload(new Payload.ToolCall(request.name(),
                            TOOL_TYPE, arguments(request.arguments()), request.id())));
                    open.add(new Open(request, call));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not record a Spring AI tool call", e);
        }
        return open;
    }

    /** The context on this thread, else the one Spring AI hands to the tools of a stream. */
    private static @Nullable InsideLlmContext current() {
        InsideLlmContext current = InsideLlmContext.current();
        if (current != null) {
            return current;
        }
        try {
            ContextView reactive = ToolCallReactiveContextHolder.getContext();
            if (reactive == null) {
                return null;
            }
            Object call = reactive.getOrDefault(SpringAiChatModelInterceptor.MODEL_CALL_KEY, null);
            Object run = call != null ? call : reactive.getOrDefault(SpringAiChatModelInterceptor.CONTEXT_KEY, null);
            return run instanceof InsideLlmContext context ? context : null;
        } catch (RuntimeException | LinkageError e) {
            // An internal class of Spring AI's (in 1.1 and 2.0): without it, stream tools are recorded only in a run.
            return null;
        }
    }

    private void ended(List<Open> open, ToolExecutionResult result, SpringAiToolFailures.@Nullable Batch failures) {
        if (open.isEmpty() || failures == null) {
            return;
        }
        try {
            Map<String, ToolResponseMessage.ToolResponse> byId = new LinkedHashMap<>();
            List<Message> history = result.conversationHistory();
            Message last = history == null || history.isEmpty() ? null : history.get(history.size() - 1);
            if (last instanceof ToolResponseMessage responses) {
                for (ToolResponseMessage.ToolResponse response : responses.getResponses()) {
                    byId.put(response.id(), response);
                }
            }
            for (Open call : open) {
                ToolResponseMessage.ToolResponse response = byId.get(call.request.id());
                String answer = response == null ? null : response.responseData();
                SpringAiToolFailures.Failure failure = failures.take(call.request.name(), answer);
                if (failure == null) {
                    call.call.end(Event.builder(EventType.TOOL_RESPONSE).payload(new Payload.ToolResponse(
                            call.request.name(), TOOL_TYPE, call.request.id(), answer, call.call.elapsedMs(), true,
                            null)));
                } else {
                    failed(call, answer, failure.cause());
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not record a Spring AI tool response", e);
        }
    }

    /**
     * Records {@code call} as failed with {@code error}: a {@code tool.response} that says so (with what the model got
     * instead, if anything) and an {@code error} event.
     */
    private static void failed(Open call, @Nullable String answer, Throwable error) {
        call.call.end(Event.builder(EventType.TOOL_RESPONSE).payload(new Payload.ToolResponse(call.request.name(),
                TOOL_TYPE, call.request.id(), answer, call.call.elapsedMs(), false,
                CallRecorder.errorMessage(error, true))));
        call.call.fail("tool_error", error, Map.of("tool_name", call.request.name()));
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

    private record Open(AssistantMessage.ToolCall request, CallRecorder.Call call) {
    }
}
