package com.insidellm.collector.otlp;

import static com.insidellm.collector.otlp.SpanAttributes.eventAttr;
import static com.insidellm.collector.otlp.SpanAttributes.firstDouble;
import static com.insidellm.collector.otlp.SpanAttributes.firstLong;
import static com.insidellm.collector.otlp.SpanAttributes.firstStr;
import static com.insidellm.collector.otlp.SpanAttributes.str;
import static com.insidellm.collector.otlp.WireEvents.millis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.PriceTable;
import com.insidellm.TokenUsage;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A model call span's request and response: model, provider, parameters, messages in the OpenAI chat format the
 * viewer shows, token usage under any convention's names, and the cost (the span's own, else estimated from the price
 * table). Thread-safe.
 */
final class LlmCallEvents {

    private final WireEvents wire;
    private final PriceTable prices;

    LlmCallEvents(WireEvents wire, PriceTable prices) {
        this.wire = wire;
        this.prices = prices;
    }

    /** Fills the payloads of a model call's {@code llm.request} and {@code llm.response}. */
    void fill(OtlpSpan s, ObjectNode request, ObjectNode response) {
        String model = firstStr(s, "gen_ai.request.model", "llm.model_name", "gen_ai.response.model");
        String responseModel = firstStr(s, "gen_ai.response.model", "llm.model_name");
        String provider = firstStr(s, "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system");
        if (model == null) {
            model = "unknown";
        }
        provider = provider == null ? "unknown" : provider;
        String prompt = promptText(s);
        request.put("model_name", model).put("provider", provider).put("prompt", prompt == null ? "" : prompt);
        ObjectNode parameters = wire.objectNode();
        for (String p : List.of("temperature", "top_p", "top_k", "max_tokens", "frequency_penalty",
                "presence_penalty", "seed", "stop_sequences", "stream", "choice.count")) {
            Object v = s.attr("gen_ai.request." + p);
            if (v != null) {
                parameters.set(p.equals("choice.count") ? "n" : p.equals("stop_sequences") ? "stop" : p, wire.json(v));
            }
        }
        request.set("parameters", parameters.isEmpty() ? null : parameters);
        String system = wire.textOfParts(wire.parse(s.attr("gen_ai.system_instructions")));
        request.put("system_message", system);
        JsonNode messages = openAiMessages(wire.parse(s.attr("gen_ai.input.messages")));
        request.set("messages", messages);
        String operation = str(s.attr("gen_ai.operation.name"));
        if (operation != null && !operation.equals("chat")) {
            request.put("call_type", operation);
        }

        String text = completionText(s);
        Object finish = s.attr("gen_ai.response.finish_reasons");
        String finishReason = finish instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0))
                : finish instanceof String f ? f : null;
        response.put("model_name", model).put("provider", provider).put("response_text", text == null ? "" : text)
                .put("finish_reason", finishReason);
        Long input = firstLong(s, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt");
        Long output = firstLong(s, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens",
                "llm.token_count.completion");
        Long cached = firstLong(s, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
                "llm.token_count.prompt_details.cache_read");
        Long reasoning = firstLong(s, "gen_ai.usage.reasoning.output_tokens",
                "llm.token_count.completion_details.reasoning");
        Long total = firstLong(s, "gen_ai.usage.total_tokens", "llm.token_count.total");
        if (input != null || output != null) {
            ObjectNode usage = response.putObject("usage");
            usage.put("prompt_tokens", input).put("completion_tokens", output)
                    .put("total_tokens", total != null ? total
                            : (input == null ? 0 : input) + (output == null ? 0 : output))
                    .put("cached_tokens", cached).put("reasoning_tokens", reasoning);
        } else {
            response.putNull("usage");
        }
        response.put("response_time_ms", millis(s));
        Double cost = firstDouble(s, "insidellm.cost.usd", "llm.cost.total", "gen_ai.usage.cost");
        if (cost == null && input != null && output != null) {
            TokenUsage usage = new TokenUsage(input.intValue(), output.intValue(), null,
                    cached == null ? null : cached.intValue(), reasoning == null ? null : reasoning.intValue());
            if (responseModel != null) {
                cost = prices.cost(responseModel, usage);
            }
            if (cost == null) {
                cost = prices.cost(model, usage);
            }
        }
        response.put("cost", cost);
        Double ttfc = firstDouble(s, "gen_ai.response.time_to_first_chunk");
        if (ttfc != null) {
            response.put("time_to_first_token_ms", Math.round(ttfc * 1000));
        }
        String responseId = firstStr(s, "gen_ai.response.id");
        if (responseId != null) {
            response.put("response_id", responseId);
        }
        if (responseModel != null) {
            response.put("response_model", responseModel);
        }
    }

    /** The last user message's text, or the deprecated and OpenInference prompt forms. */
    private @Nullable String promptText(OtlpSpan s) {
        Object messages = wire.parse(s.attr("gen_ai.input.messages"));
        if (messages instanceof List<?> list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i) instanceof Map<?, ?> m && "user".equals(m.get("role"))) {
                    return wire.textOfParts(m.get("parts"));
                }
            }
        }
        String prompt = firstStr(s, "gen_ai.prompt", "llm.input_messages.0.message.content", "input.value");
        if (prompt == null) {
            prompt = eventAttr(s, "gen_ai.content.prompt", "gen_ai.prompt");
        }
        return prompt;
    }

    private @Nullable String completionText(OtlpSpan s) {
        Object messages = wire.parse(s.attr("gen_ai.output.messages"));
        if (messages instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> m) {
            return wire.textOfParts(m.get("parts"));
        }
        String completion = firstStr(s, "gen_ai.completion", "llm.output_messages.0.message.content", "output.value");
        if (completion == null) {
            completion = eventAttr(s, "gen_ai.content.completion", "gen_ai.completion");
        }
        return completion;
    }

    /** The conventions' messages (role + parts) in the OpenAI chat format the viewer shows. */
    private @Nullable JsonNode openAiMessages(@Nullable Object messages) {
        if (!(messages instanceof List<?> list) || list.isEmpty()) {
            return null;
        }
        ArrayNode out = wire.arrayNode();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) {
                continue;
            }
            ObjectNode msg = out.addObject();
            msg.put("role", String.valueOf(m.get("role")));
            StringBuilder text = new StringBuilder();
            ArrayNode toolCalls = null;
            if (m.get("parts") instanceof List<?> parts) {
                for (Object p : parts) {
                    if (!(p instanceof Map<?, ?> part)) {
                        continue;
                    }
                    Object type = part.get("type");
                    if ("text".equals(type)) {
                        text.append(part.get("content"));
                    } else if ("tool_call".equals(type)) {
                        if (toolCalls == null) {
                            toolCalls = msg.putArray("tool_calls");
                        }
                        ObjectNode call = toolCalls.addObject();
                        call.put("id", str(part.get("id"))).put("type", "function");
                        Object args = part.get("arguments");
                        call.putObject("function").put("name", str(part.get("name")))
                                .put("arguments", args instanceof String a ? a : wire.json(args).toString());
                    } else if ("tool_call_response".equals(type)) {
                        msg.put("tool_call_id", str(part.get("id")));
                        Object result = part.get("result");
                        text.append(result instanceof String r ? r : wire.json(result).toString());
                    }
                }
            }
            msg.put("content", text.toString());
        }
        return out;
    }
}
