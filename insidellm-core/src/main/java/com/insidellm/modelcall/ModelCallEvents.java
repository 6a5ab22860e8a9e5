package com.insidellm.modelcall;

import com.insidellm.CallRecorder;
import com.insidellm.DescribedPayload;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The events of a {@link ModelCall}: the {@code llm.request} that opens it, described now or later, then the
 * {@code llm.response} with the fields every integration records, or the {@code error} under the request. Apart from
 * the recorder because they are the recorded shape of a call, not its placement or life cycle. Stateless.
 */
final class ModelCallEvents {

    private ModelCallEvents() {
    }

    /** The {@code llm.request} of {@code request} with its further entries, and {@code stream: true} if streamed. */
    static Event.Builder request(Payload.LlmRequest request, Map<String, ?> extras, boolean stream) {
        Event.Builder event = Event.builder(EventType.LLM_REQUEST).payload(request);
        for (Map.Entry<String, ?> extra : extras.entrySet()) {
            event.payloadEntry(extra.getKey(), extra.getValue());
        }
        if (stream) {
            event.payloadEntry("stream", true);
        }
        return event;
    }

    /**
     * The {@code llm.request} of the request {@code described} gives when the event is processed: the same event as
     * {@link #request}.
     */
    static Event.Builder requestLater(Supplier<ModelCallRecorder.Request> described, int estimatedBytes,
            boolean stream) {
        Event.Builder event = Event.builder(EventType.LLM_REQUEST).payloadLater(() -> {
            ModelCallRecorder.Request sent = described.get();
            return new DescribedPayload(sent.request(), sent.extras());
        }, estimatedBytes);
        if (stream) {
            event.payloadEntry("stream", true);
        }
        return event;
    }

    /** Logs the answer as {@code llm.response} under the call's request. */
    static void response(CallRecorder.Call call, String model, String provider, LlmCallResult result) {
        Event.Builder event = Event.builder(EventType.LLM_RESPONSE).payload(new Payload.LlmResponse(model,
                provider, result.responseText(), result.finishReason(), result.usage(), call.elapsedMs(),
                result.cost()));
        if (result.responseMessage() != null) {
            event.payloadEntry("response_message", result.responseMessage());
        }
        if (result.responseId() != null) {
            event.payloadEntry("response_id", result.responseId());
        }
        if (result.responseModel() != null) {
            event.payloadEntry("response_model", result.responseModel());
        }
        Long firstToken = call.timeToFirstTokenMs();
        if (firstToken != null) {
            event.payloadEntry("time_to_first_token_ms", firstToken);
        }
        call.end(event);
    }

    /**
     * Logs the answer as {@code llm.response} under the call's request, with the latency and time to first token of
     * now and the fields of {@code result}, which is described when the event is processed: the same event as
     * {@link #response}.
     */
    static void responseLater(CallRecorder.Call call, String model, String provider, Supplier<LlmCallResult> result,
            int estimatedBytes) {
        long elapsedMs = call.elapsedMs();
        Event.Builder event = Event.builder(EventType.LLM_RESPONSE).payloadLater(() -> {
            LlmCallResult described = result.get();
            Map<String, @Nullable Object> entries = new LinkedHashMap<>(4);
            if (described.responseMessage() != null) {
                entries.put("response_message", described.responseMessage());
            }
            if (described.responseId() != null) {
                entries.put("response_id", described.responseId());
            }
            if (described.responseModel() != null) {
                entries.put("response_model", described.responseModel());
            }
            return new DescribedPayload(new Payload.LlmResponse(model, provider, described.responseText(),
                    described.finishReason(), described.usage(), elapsedMs, described.cost()), entries);
        }, estimatedBytes);
        Long firstToken = call.timeToFirstTokenMs();
        if (firstToken != null) {
            event.payloadEntry("time_to_first_token_ms", firstToken);
        }
        call.end(event);
    }

    /**
     * Logs the failure as an {@code error} event under the request, as every integration does: the exception's class
     * as the error type, {@code httpStatus} as its code when known, and where it failed.
     */
    static void error(CallRecorder.Call call, String model, String provider, Throwable error,
            @Nullable Integer httpStatus) {
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("model_name", model);
        where.put("provider", provider);
        if (httpStatus != null) {
            where.put("status_code", httpStatus);
        }
        where.put("request_event_id", call.eventId());
        where.put("elapsed_ms", call.elapsedMs());
        call.fail(error.getClass().getName(), error, httpStatus == null ? null : String.valueOf(httpStatus), where,
                true);
    }
}
