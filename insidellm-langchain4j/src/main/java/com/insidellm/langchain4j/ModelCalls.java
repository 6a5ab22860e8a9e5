package com.insidellm.langchain4j;

import com.insidellm.CallRecorder;
import com.insidellm.DescribedPayload;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.Payload;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model calls, from the chat model listener: {@code llm.request}, then {@code llm.response} or {@code error}, and the
 * streaming chunks. A call's state travels in LangChain4j's listener attributes, never by object identity.
 *
 * <p>A model call learns its AI-service invocation from a one-shot hand-over: LangChain4j fires
 * {@code AiServiceRequestIssuedEvent} on the thread that calls the model immediately before the call, in every
 * version this module supports; the hand-over is taken only by a request with the same messages. Thread-safe.
 */
final class ModelCalls {

    private static final Logger log = LoggerFactory.getLogger(ModelCalls.class);

    /** The key of a call's state in LangChain4j's listener attributes. */
    static final String CALL_ATTRIBUTE = "insidellm.call";
    /** The part of a request's JSON size that is not its messages' text, roughly (parameters, tools, keys). */
    private static final int REQUEST_BYTES = 512;
    /** The part of an answer's JSON size that is not its text, roughly (usage, ids, keys). */
    private static final int RESPONSE_BYTES = 512;

    /** The invocation whose model call is about to start on this thread (set by the request-issued event). */
    private static final ThreadLocal<Handoff> NEXT_MODEL_CALL = new ThreadLocal<>();

    /** Streaming timing of the call about to start on this thread (set by {@link InsideLlmStreamingChatModel}). */
    static final ThreadLocal<StreamTiming> NEXT_STREAM = new ThreadLocal<>();

    private final Placements placements;
    private final boolean streamingChunks;
    private final int maxStreamingChunks;

    ModelCalls(Placements placements, boolean streamingChunks, int maxStreamingChunks) {
        this.placements = placements;
        this.streamingChunks = streamingChunks;
        this.maxStreamingChunks = maxStreamingChunks;
    }

    /** Hands {@code invocation} to the model call about to start on this thread with {@code messages}. */
    static void handOver(Invocation invocation, List<ChatMessage> messages) {
        NEXT_MODEL_CALL.set(new Handoff(invocation, List.copyOf(messages)));
    }

    void onRequest(ChatModelRequestContext context) {
        try {
            ChatRequest request = context.chatRequest();
            List<ChatMessage> messages = request.messages() == null ? List.of() : request.messages();
            Invocation invocation = takeHandoff(messages);
            StreamTiming stream = NEXT_STREAM.get();
            if (stream != null) {
                NEXT_STREAM.remove();
            }
            Placement placement = placements.modelCall(invocation, messages);
            String model = modelName(request);
            String provider = Messages.provider(context.modelProvider());
            Call call = new Call(placements.recorder.open(placement.context()), placement, model, provider,
                    messages, stream);

            // Described when the event is processed, off the caller's thread: LangChain4j's requests and messages
            // are immutable.
            Event.Builder event = Event.builder(EventType.LLM_REQUEST).payloadLater(() -> {
                Map<String, Object> entries = new LinkedHashMap<>(4);
                entries.put("call_type", "chat");
                List<Map<String, Object>> tools = Messages.tools(request.toolSpecifications());
                if (tools != null) {
                    entries.put("tools", tools);
                }
                if (request.toolChoice() != null) {
                    entries.put("tool_choice", request.toolChoice().name().toLowerCase(Locale.ROOT));
                }
                return new DescribedPayload(new Payload.LlmRequest(model, provider, Messages.prompt(messages),
                        Messages.parameters(request), Messages.systemMessage(messages), Messages.messages(messages)),
                        entries);
            }, requestBytes(messages));
            if (stream != null) {
                event.payloadEntry("stream", true);
            }
            // The run is decided by now (pending events flushed): the call logs straight to it.
            placements.touch(placement);
            call.recording.start(event);
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
            long elapsedMs = call.recording.elapsedMs();
            // Described when the event is processed, as the request: LangChain4j's responses are immutable.
            Event.Builder event = Event.builder(EventType.LLM_RESPONSE).payloadLater(() -> {
                Map<String, @Nullable Object> entries = new LinkedHashMap<>(4);
                entries.put("response_message", Messages.message(message));
                if (response.id() != null) {
                    entries.put("response_id", response.id());
                }
                if (response.modelName() != null) {
                    entries.put("response_model", response.modelName());
                }
                return new DescribedPayload(new Payload.LlmResponse(call.model, call.provider, text,
                        Messages.finishReason(response.finishReason()), Messages.usage(response.tokenUsage()),
                        elapsedMs, null), entries);
            }, RESPONSE_BYTES + text.length());
            Long firstToken = call.recording.timeToFirstTokenMs();
            if (firstToken != null) {
                event.payloadEntry("time_to_first_token_ms", firstToken);
            }
            placements.touch(call.placement);
            String responseEventId = call.recording.end(event);
            Invocation invocation = call.placement.invocation();
            if (invocation != null) {
                invocation.lastLlmResponseId = responseEventId;
                if (message != null && message.text() != null) {
                    invocation.lastAnswer = message.text();
                }
            }
            if (message != null) {
                placements.answered(call.placement, call.messages, message);
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
            Map<String, Object> where = new LinkedHashMap<>();
            if (call != null) {
                placement = call.placement;
                where.put("model_name", call.model);
                where.put("provider", call.provider);
            } else {
                List<ChatMessage> messages = context.chatRequest().messages();
                placement = placements.modelCall(null, messages == null ? List.of() : messages);
                where.put("model_name", modelName(context.chatRequest()));
                where.put("provider", Messages.provider(context.modelProvider()));
            }
            Integer status = httpStatus(error);
            if (status != null) {
                where.put("status_code", status);
            }
            if (call != null) {
                where.put("request_event_id", call.recording.eventId());
                where.put("elapsed_ms", call.recording.elapsedMs());
            }
            String code = status == null ? null : String.valueOf(status);
            if (call != null) {
                placements.touch(placement);
                call.recording.fail(error.getClass().getName(), error, code, where, true);
            } else if (CallRecorder.firstRecording(error)) {
                placements.emit(placement, placement.parentEventId(),
                        CallRecorder.error(error.getClass().getName(), error, code, where, true));
            }
            if (placement.invocation() != null) {
                placement.invocation().modelError = error;
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
            placements.emit(call.placement, call.recording.eventId(), Event.builder(EventType.LLM_STREAMING_CHUNK)
                    .payload(new Payload.LlmStreamingChunk(call.model, call.provider, text, index, false, null)));
        } catch (RuntimeException e) {
            log.debug("Could not record a streaming chunk", e);
        }
    }

    private static @Nullable Invocation takeHandoff(List<ChatMessage> messages) {
        Handoff handoff = NEXT_MODEL_CALL.get();
        if (handoff == null) {
            return null;
        }
        NEXT_MODEL_CALL.remove();
        // Compared by value: a stale hand-over (its model has no InsideLLM listener) must not capture another call.
        return handoff.messages.equals(messages) ? handoff.invocation : null;
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

    /** Roughly the size of a request's JSON, for the client's queue bound: its texts and some for the rest. */
    private static int requestBytes(List<ChatMessage> messages) {
        int bytes = REQUEST_BYTES;
        for (ChatMessage message : messages) {
            bytes += 64 + (message instanceof dev.langchain4j.data.message.SystemMessage system
                    ? system.text().length() : message instanceof dev.langchain4j.data.message.UserMessage user
                    && user.hasSingleText() ? user.singleText().length() : 256);
        }
        return bytes;
    }

    private static String modelName(ChatRequest request) {
        String model = request.parameters() == null ? null : request.parameters().modelName();
        return model == null || model.isEmpty() ? "unknown" : model;
    }

    private static @Nullable Call callOf(Map<Object, Object> attributes) {
        Object call = attributes.get(CALL_ATTRIBUTE);
        return call instanceof Call c ? c : null;
    }

    private record Handoff(Invocation invocation, List<ChatMessage> messages) {
    }

    /** One model call, kept in the listener attributes from request to response. */
    record Call(CallRecorder.Call recording, Placement placement, String model, String provider,
            List<ChatMessage> messages, @Nullable StreamTiming stream) {
    }

    /** Partial answers of one streaming call; written by the streaming thread. */
    static final class StreamTiming {
        private final AtomicInteger chunks = new AtomicInteger();
        private volatile @Nullable ModelCalls calls;
        private volatile @Nullable Call call;

        void attach(ModelCalls calls, Call call) {
            this.calls = calls;
            this.call = call;
        }

        void onToken(@Nullable String text) {
            ModelCalls m = calls;
            Call c = call;
            if (c == null) {
                return;
            }
            c.recording.firstToken();
            if (text != null && m != null) {
                m.onChunk(c, text, chunks.getAndIncrement());
            }
        }
    }
}
