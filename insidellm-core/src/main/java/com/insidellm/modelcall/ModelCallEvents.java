package com.insidellm.modelcall;

import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The events that end a {@link ModelCall}: the {@code llm.response} with the fields every
 * integration records, or the {@code error} under the request. Apart from the recorder because they are the
 * recorded shape of an answer, not its life cycle. Stateless.
 */
final class ModelCallEvents {

    private ModelCallEvents() {
    }

    /** Logs the answer as {@code llm.response} under the call's request. */
    static void response(CallRecorder.Call call, Payload.LlmRequest sent, LlmCallResult result) {
        Event.Builder event = Event.builder(EventType.LLM_RESPONSE).payload(new Payload.LlmResponse(sent.modelName(),
                sent.provider(), result.responseText(), result.finishReason(), result.usage(), call.elapsedMs(),
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
     * Logs the failure as an {@code error} event under the request, as every integration does: the exception's class
     * as the error type, {@code httpStatus} as its code when known, and where it failed.
     */
    static void error(CallRecorder.Call call, Payload.LlmRequest sent, Throwable error, @Nullable Integer httpStatus) {
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("model_name", sent.modelName());
        where.put("provider", sent.provider());
        if (httpStatus != null) {
            where.put("status_code", httpStatus);
        }
        where.put("request_event_id", call.eventId());
        where.put("elapsed_ms", call.elapsedMs());
        call.fail(error.getClass().getName(), error, httpStatus == null ? null : String.valueOf(httpStatus), where,
                true);
    }
}
