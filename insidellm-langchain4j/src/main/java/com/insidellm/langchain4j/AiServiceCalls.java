package com.insidellm.langchain4j;

import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmContext;
import com.insidellm.Payload;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AI-service lifecycle, from LangChain4j's AI-service events: {@code chain.start} and {@code user.input} when an
 * invocation starts, {@code agent.response} and {@code chain.end} when it completes, {@code error} and a failed
 * {@code chain.end} when it fails. Thread-safe.
 */
final class AiServiceCalls {

    private static final Logger log = LoggerFactory.getLogger(AiServiceCalls.class);
    static final String CHAIN_TYPE = "langchain4j.ai_service";

    private final Placements placements;

    AiServiceCalls(Placements placements) {
        this.placements = placements;
    }

    void started(InvocationContext context, @Nullable SystemMessage systemMessage, UserMessage userMessage) {
        try {
            UUID id = context.invocationId();
            if (id == null) {
                return;
            }
            InsideLlmContext scope = InsideLlmContext.current();
            String user = scope != null ? scope.userId() : placements.currentUserId();
            String chainName = simpleName(context.interfaceName()) + "." + context.methodName();
            Invocation invocation = new Invocation(id, chainName, user, scope == null ? null : scope.parentEventId(),
                    placements.clock().instant());
            Object memoryId = context.chatMemoryId();
            placements.open(invocation, scope, memoryId, context.interfaceName());

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
                    .timestamp(invocation.startedAt)
                    .payload(new Payload.ChainStart(chainName, inputs, CHAIN_TYPE))
                    .metadata("ai_service", String.valueOf(context.interfaceName()))
                    .metadata("method", String.valueOf(context.methodName()))
                    .metadata("invocation_id", id.toString());
            placements.emit(invocation, invocation.parentEventId, chainStart);
            placements.emit(invocation, invocation.chainStartId, Event.builder(EventType.USER_INPUT)
                    .timestamp(invocation.startedAt).payload(new Payload.UserInput(input)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service invocation start", e);
        }
    }

    void requestIssued(InvocationContext context, ChatRequest request) {
        try {
            Invocation invocation = placements.invocation(context);
            if (invocation != null && request.messages() != null) {
                ModelCalls.handOver(invocation, request.messages());
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service request", e);
        }
    }

    void responseReceived(InvocationContext context, ChatResponse response) {
        try {
            Invocation invocation = placements.invocation(context);
            if (invocation != null && response.aiMessage() != null && response.aiMessage().text() != null) {
                invocation.lastAnswer = response.aiMessage().text();
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service response", e);
        }
    }

    void completed(InvocationContext context) {
        try {
            Invocation invocation = placements.close(context);
            if (invocation == null) {
                return;
            }
            placements.decide(invocation, null);
            String answer = invocation.lastAnswer;
            if (answer != null) {
                placements.emit(invocation, invocation.chainStartId, Event.builder(EventType.AGENT_RESPONSE)
                        .payload(new Payload.AgentResponse(answer)));
            }
            Map<String, Object> outputs = answer == null ? null : Map.of("response", answer);
            placements.emit(invocation, invocation.chainStartId, Event.builder(EventType.CHAIN_END)
                    .payload(new Payload.ChainEnd(invocation.chainName, outputs, invocation.elapsedMillis(), true,
                            null)));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service completion", e);
        }
    }

    void failed(InvocationContext context, Throwable error) {
        try {
            Invocation invocation = placements.close(context);
            Integer status = ModelCalls.httpStatus(error);
            String code = status == null ? null : String.valueOf(status);
            if (invocation == null) {
                Placement placement = placements.standalone();
                if (CallRecorder.firstRecording(error)) {
                    placements.emit(placement, placement.parentEventId(), CallRecorder.error(
                            error.getClass().getName(), error, code, Map.of(
                                    "ai_service", String.valueOf(context.interfaceName()),
                                    "method", String.valueOf(context.methodName())), true));
                }
                return;
            }
            placements.decide(invocation, null);
            // A failed model call was recorded by the listener already; the invocation failing with it is one error.
            if (!causedBy(error, invocation.modelError) && CallRecorder.firstRecording(error)) {
                placements.emit(invocation, invocation.chainStartId, CallRecorder.error(error.getClass().getName(),
                        error, code, Map.of("ai_service", invocation.chainName), true));
            }
            placements.emit(invocation, invocation.chainStartId, Event.builder(EventType.CHAIN_END)
                    .payload(new Payload.ChainEnd(invocation.chainName, null, invocation.elapsedMillis(), false,
                            CallRecorder.errorMessage(error, true))));
        } catch (RuntimeException | LinkageError e) {
            log.debug("Could not record an AI-service failure", e);
        }
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

    private static String simpleName(@Nullable String className) {
        if (className == null) {
            return "AiService";
        }
        int dot = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
        return className.substring(dot + 1);
    }
}
