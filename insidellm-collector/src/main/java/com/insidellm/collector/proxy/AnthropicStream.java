package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One Anthropic stream's translation into OpenAI chunks (see {@link Anthropic} for requests and answers): each
 * event in, the chunks it becomes out. Text deltas become content deltas, {@code tool_use} blocks become tool-call
 * deltas (the first with id and name, then argument fragments), {@code message_delta} carries the finish reason, and
 * {@code message_stop} yields the usage chunk. Internal. Not thread-safe: one per stream.
 */
final class AnthropicStream {
    private final long created;
    private String id = "";
    private String model = "";
    private JsonNode inputUsage = Anthropic.NODES.objectNode();
    private long outputTokens;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private @Nullable String error;

    AnthropicStream(long createdSeconds) {
        this.created = createdSeconds;
    }

    /** The chunks for one event; empty for events that have no OpenAI counterpart (ping, block stop). */
    List<ObjectNode> onEvent(JsonNode event) {
        List<ObjectNode> out = new ArrayList<>(1);
        switch (event.path("type").asText()) {
            case "message_start" -> {
                JsonNode message = event.path("message");
                id = message.path("id").asText();
                model = message.path("model").asText();
                inputUsage = message.path("usage");
                outputTokens = inputUsage.path("output_tokens").asLong(0);
                ObjectNode delta = chunk(out).putObject("delta");
                delta.put("role", "assistant");
                delta.put("content", "");
            }
            case "content_block_start" -> {
                JsonNode block = event.path("content_block");
                if (block.path("type").asText().equals("tool_use")) {
                    int toolIndex = toolIndexByBlock.size();
                    toolIndexByBlock.put(event.path("index").asInt(), toolIndex);
                    ObjectNode call = chunk(out).putObject("delta").putArray("tool_calls").addObject();
                    call.put("index", toolIndex);
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                } else if (block.path("type").asText().equals("text") && !block.path("text").asText().isEmpty()) {
                    chunk(out).putObject("delta").put("content", block.path("text").asText());
                }
            }
            case "content_block_delta" -> {
                JsonNode delta = event.path("delta");
                switch (delta.path("type").asText()) {
                    case "text_delta" -> chunk(out).putObject("delta").put("content", delta.path("text").asText());
                    case "input_json_delta" -> {
                        Integer toolIndex = toolIndexByBlock.get(event.path("index").asInt());
                        if (toolIndex != null) {
                            ObjectNode call = chunk(out).putObject("delta").putArray("tool_calls").addObject();
                            call.put("index", toolIndex);
                            call.putObject("function").put("arguments", delta.path("partial_json").asText());
                        }
                    }
                    default -> {
                        // thinking and signature deltas have no OpenAI counterpart
                    }
                }
            }
            case "message_delta" -> {
                JsonNode usage = event.path("usage");
                if (usage.has("output_tokens")) {
                    outputTokens = usage.path("output_tokens").asLong();
                }
                // Later API versions repeat the input counts here; the last word wins.
                if (usage.has("input_tokens") || usage.has("cache_read_input_tokens")) {
                    ObjectNode merged = inputUsage.isObject() ? ((ObjectNode) inputUsage).deepCopy()
                            : Anthropic.NODES.objectNode();
                    usage.fields().forEachRemaining(e -> {
                        if (!e.getValue().isNull()) {
                            merged.set(e.getKey(), e.getValue());
                        }
                    });
                    inputUsage = merged;
                }
                ObjectNode choice = chunk(out);
                choice.putObject("delta");
                choice.put("finish_reason", Anthropic.finishReason(event.path("delta").path("stop_reason").asText(null)));
            }
            case "message_stop" -> {
                ObjectNode c = base();
                c.putArray("choices");
                c.set("usage", Anthropic.usage(inputUsage, outputTokens));
                out.add(c);
            }
            case "error" -> error = event.path("error").path("message").asText("upstream stream error");
            default -> {
                // ping, content_block_stop
            }
        }
        return out;
    }

    /** The error message of an {@code error} event, once one arrived. */
    @Nullable String error() {
        return error;
    }

    private ObjectNode chunk(List<ObjectNode> out) {
        ObjectNode c = base();
        ObjectNode choice = c.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putNull("finish_reason");
        out.add(c);
        // The delta is added by the caller, after finish_reason; clients do not care about key order.
        return choice;
    }

    private ObjectNode base() {
        ObjectNode c = Anthropic.NODES.objectNode();
        c.put("id", id);
        c.put("object", "chat.completion.chunk");
        c.put("created", created);
        c.put("model", model);
        return c;
    }
}
