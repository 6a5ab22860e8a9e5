package com.insidellm.openai;

import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.modelcall.StreamAccumulator;
import com.openai.models.ResponsesModel;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseOutputMessage;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import com.openai.models.responses.Tool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps the Responses API ({@code client.responses()}) to InsideLLM's request and response fields. Input items and
 * output are translated into the OpenAI chat format that every integration records (instructions as the system
 * message, function calls as assistant {@code tool_calls}, function call outputs as {@code tool} messages), so the
 * same viewer, threading and analyses work for both OpenAI APIs. Every method tolerates missing parts.
 */
final class Responses {

    private Responses() {
    }

    /** The request: model, prompt, messages, instructions, parameters, tools and tool choice. */
    static ModelCallRecorder.Request request(ResponseCreateParams params, boolean stream) {
        List<Map<String, @Nullable Object>> messages = new ArrayList<>();
        String system = params.instructions().orElse(null);
        if (system != null) {
            messages.add(message("system", system));
        }
        params.input().ifPresent(input -> {
            if (input.isText()) {
                messages.add(message("user", input.asText()));
            } else if (input.isResponse()) {
                for (ResponseInputItem item : input.asResponse()) {
                    addItem(messages, OpenAiJson.map(item));
                }
            }
        });
        String model = model(params);
        Map<String, Object> parameters = new LinkedHashMap<>();
        params.temperature().ifPresent(v -> parameters.put("temperature", v));
        params.topP().ifPresent(v -> parameters.put("top_p", v));
        params.maxOutputTokens().ifPresent(v -> parameters.put("max_tokens", v));
        params.reasoning().flatMap(r -> r.effort()).ifPresent(v -> parameters.put("reasoning_effort", v.asString()));
        params.parallelToolCalls().ifPresent(v -> parameters.put("parallel_tool_calls", v));
        params.previousResponseId().ifPresent(v -> parameters.put("previous_response_id", v));
        params.serviceTier().ifPresent(v -> parameters.put("service_tier", v.asString()));
        params.text().flatMap(t -> t.format()).ifPresent(format -> {
            Object wire = OpenAiJson.value(format);
            parameters.put("response_format", wire instanceof Map<?, ?> m && m.get("type") != null ? m.get("type")
                    : wire);
        });

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("call_type", "responses");
        params.tools().filter(tools -> !tools.isEmpty()).ifPresent(tools -> {
            List<Map<String, @Nullable Object>> out = new ArrayList<>(tools.size());
            for (Tool tool : tools) {
                out.add(tool(OpenAiJson.cached(tool)));
            }
            extras.put("tools", out);
        });
        params.toolChoice().ifPresent(choice -> {
            Object wire = OpenAiJson.value(choice);
            if (wire != null) {
                extras.put("tool_choice", wire);
            }
        });
        return new ModelCallRecorder.Request(new Payload.LlmRequest(model, OpenAiCalls.PROVIDER,
                ChatCompletions.prompt(messages), parameters.isEmpty() ? null : parameters, system, messages),
                extras, stream);
    }

    /** The model the request names, {@code unknown} when none. */
    static String model(ResponseCreateParams params) {
        return params.model().map(Responses::model).orElse("unknown");
    }

    static String model(ResponsesModel model) {
        if (model.isString()) {
            return model.asString();
        }
        if (model.isChat()) {
            return model.asChat().asString();
        }
        if (model.isOnly()) {
            return model.asOnly().asString();
        }
        Object wire = OpenAiJson.value(model);
        return wire instanceof String s ? s : "unknown";
    }

    /** A function tool in the chat format ({@code {"type":"function","function":{...}}}); other tools as they are. */
    private static Map<String, @Nullable Object> tool(Map<String, @Nullable Object> wire) {
        if (!"function".equals(wire.get("type")) || wire.containsKey("function")) {
            return wire;
        }
        Map<String, @Nullable Object> function = new LinkedHashMap<>(wire);
        function.remove("type");
        Map<String, @Nullable Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }

    private static Map<String, @Nullable Object> message(String role, @Nullable Object content) {
        Map<String, @Nullable Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    /** Appends one input item, in its wire form, as chat messages. */
    private static void addItem(List<Map<String, @Nullable Object>> messages, Map<String, @Nullable Object> item) {
        Object type = item.get("type");
        if (item.get("role") instanceof String role && (type == null || "message".equals(type))) {
            messages.add(message(role, content(item.get("content"))));
        } else if ("function_call".equals(type)) {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", String.valueOf(item.get("name")));
            function.put("arguments", item.get("arguments") == null ? "{}" : String.valueOf(item.get("arguments")));
            Map<String, Object> call = new LinkedHashMap<>();
            if (item.get("call_id") != null) {
                call.put("id", String.valueOf(item.get("call_id")));
            }
            call.put("type", "function");
            call.put("function", function);
            Map<String, @Nullable Object> last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
            // The Responses API lists the calls of one assistant turn as separate items: one chat message again.
            if (last != null && "assistant".equals(last.get("role"))) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> calls = (List<Map<String, Object>>) last.computeIfAbsent("tool_calls",
                        k -> new ArrayList<Map<String, Object>>());
                calls.add(call);
            } else {
                Map<String, @Nullable Object> assistant = message("assistant", null);
                List<Map<String, Object>> calls = new ArrayList<>();
                calls.add(call);
                assistant.put("tool_calls", calls);
                messages.add(assistant);
            }
        } else if ("function_call_output".equals(type)) {
            Map<String, @Nullable Object> result = new LinkedHashMap<>();
            result.put("role", "tool");
            result.put("tool_call_id", item.get("call_id"));
            Object output = item.get("output");
            result.put("content", output instanceof String ? output : OpenAiJson.text(content(output)));
            messages.add(result);
        } else if (!"reasoning".equals(type)) {
            // Hosted-tool calls and newer item types: kept whole, under their type.
            messages.add(message(String.valueOf(type), item));
        }
    }

    /** Responses content parts as chat content: one text part becomes a string, parts become chat parts. */
    private static @Nullable Object content(@Nullable Object content) {
        if (!(content instanceof List<?> parts)) {
            return content;
        }
        List<Map<String, Object>> out = new ArrayList<>(parts.size());
        for (Object part : parts) {
            if (!(part instanceof Map<?, ?> map)) {
                continue;
            }
            Object type = map.get("type");
            Map<String, Object> chat = new LinkedHashMap<>();
            if (map.get("text") instanceof String text) {
                chat.put("type", "text");
                chat.put("text", text);
            } else if ("input_image".equals(type)) {
                Object url = map.get("image_url") != null ? map.get("image_url") : "file:" + map.get("file_id");
                chat.put("type", "image_url");
                chat.put("image_url", Map.of("url", String.valueOf(url)));
            } else {
                chat.put("type", String.valueOf(type));
            }
            out.add(chat);
        }
        if (out.size() == 1 && "text".equals(out.get(0).get("type"))) {
            return out.get(0).get("text");
        }
        return out;
    }

    /** The response: its output text and function calls, finish reason, usage, id and model. */
    static LlmCallResult result(Response response) {
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = null;
        List<Map<String, Object>> toolCalls = new ArrayList<>();
        for (ResponseOutputItem item : response.output()) {
            if (item.isMessage()) {
                for (ResponseOutputMessage.Content content : item.asMessage().content()) {
                    if (content.isOutputText()) {
                        text.append(content.asOutputText().text());
                    } else if (content.isRefusal()) {
                        (refusal == null ? refusal = new StringBuilder() : refusal)
                                .append(content.asRefusal().refusal());
                    }
                }
            } else if (item.isFunctionCall()) {
                ResponseFunctionToolCall call = item.asFunctionCall();
                ChatCompletions.ToolCallParts parts = new ChatCompletions.ToolCallParts();
                parts.id = call.callId();
                parts.name = call.name();
                parts.arguments.append(call.arguments());
                toolCalls.add(parts.toMap());
            }
        }
        Map<String, @Nullable Object> message = message("assistant",
                text.length() == 0 && (refusal != null || !toolCalls.isEmpty()) ? null : text.toString());
        if (!toolCalls.isEmpty()) {
            message.put("tool_calls", toolCalls);
        }
        if (refusal != null) {
            message.put("refusal", refusal.toString());
        }
        String answer = text.length() > 0 || refusal == null ? text.toString() : refusal.toString();
        return LlmCallResult.builder(answer).responseMessage(message)
                .finishReason(finishReason(response, !toolCalls.isEmpty()))
                .usage(response.usage().map(Responses::usage).orElse(null))
                .responseId(response.id()).responseModel(model(response.model())).build();
    }

    private static @Nullable String finishReason(Response response, boolean toolCalls) {
        String status = response.status().map(s -> s.asString()).orElse(null);
        if (status == null || "completed".equals(status)) {
            return toolCalls ? "tool_calls" : status == null ? null : "stop";
        }
        if ("incomplete".equals(status)) {
            String reason = response.incompleteDetails().flatMap(d -> d.reason()).map(r -> r.asString())
                    .orElse(null);
            return "max_output_tokens".equals(reason) ? "length" : reason == null ? status : reason;
        }
        return status;
    }

    static TokenUsage usage(ResponseUsage usage) {
        return new TokenUsage((int) usage.inputTokens(), (int) usage.outputTokens(), (int) usage.totalTokens(),
                (int) usage.inputTokensDetails().cachedTokens(),
                (int) usage.outputTokensDetails().reasoningTokens());
    }

    /**
     * Follows a Responses stream: the first delta is the first token; the final {@code response.completed},
     * {@code response.incomplete} or {@code response.failed} event carries the whole response. A stream closed before
     * that is recorded with the text received so far. Used by one stream at a time.
     */
    static final class Accumulator implements StreamAccumulator<ResponseStreamEvent> {
        private final StringBuilder text = new StringBuilder();
        private @Nullable Response response;
        private @Nullable RuntimeException failure;

        @Override
        public boolean accept(ResponseStreamEvent event) {
            if (event.isOutputTextDelta()) {
                text.append(event.asOutputTextDelta().delta());
                return true;
            }
            if (event.isCompleted()) {
                response = event.asCompleted().response();
            } else if (event.isIncomplete()) {
                response = event.asIncomplete().response();
            } else if (event.isFailed()) {
                response = event.asFailed().response();
                failure = new ResponseStreamException(response.error().map(e -> e.code().asString()).orElse(null),
                        response.error().map(e -> e.message()).orElse("the response failed"));
            } else if (event.isError()) {
                failure = new ResponseStreamException(event.asError().code().orElse(null),
                        event.asError().message());
            }
            return event.isRefusalDelta() || event.isFunctionCallArgumentsDelta() || event.isReasoningTextDelta()
                    || event.isReasoningSummaryTextDelta();
        }

        @Override
        public @Nullable RuntimeException failure() {
            return failure;
        }

        @Override
        public LlmCallResult result() {
            Response done = response;
            if (done != null) {
                return Responses.result(done);
            }
            return LlmCallResult.builder(text.toString()).responseMessage(message("assistant", text.toString()))
                    .build();
        }
    }

    /** An {@code error} or {@code response.failed} event of a Responses stream, as recorded (never thrown). */
    static final class ResponseStreamException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final @Nullable String code;

        ResponseStreamException(@Nullable String code, String message) {
            super(code == null ? message : code + ": " + message, null, false, false);
            this.code = code;
        }

        @Nullable String code() {
            return code;
        }
    }
}
