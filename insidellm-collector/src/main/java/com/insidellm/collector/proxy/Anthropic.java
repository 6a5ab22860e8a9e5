package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * Translation between the OpenAI chat format and Anthropic's native Messages API ({@code POST /v1/messages}), both
 * ways: requests (system prompt, multi-part and image content, tools, {@code tool_calls}, tool results, {@code
 * tool_choice}), responses (stop reasons to finish reasons, usage with cache tokens) and the streaming events, one by
 * one, into OpenAI chunks ({@link AnthropicStream}, which holds one stream's state). Internal; stateless.
 */
final class Anthropic {

    /** The API version every request names (the Messages API's stable version). */
    static final String VERSION = "2023-06-01";
    /** Anthropic requires {@code max_tokens}; used when the client gives none. */
    static final int DEFAULT_MAX_TOKENS = 4096;

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Anthropic() {}

    /** An OpenAI chat request as an Anthropic Messages request for {@code providerModel}. */
    static ObjectNode request(ObjectNode openai, String providerModel, boolean stream, ObjectMapper mapper) {
        ObjectNode out = NODES.objectNode();
        out.put("model", providerModel);
        StringBuilder system = new StringBuilder();
        ArrayNode messages = NODES.arrayNode();
        JsonNode in = openai.path("messages");
        for (JsonNode m : in) {
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    if (system.length() > 0) {
                        system.append("\n\n");
                    }
                    system.append(text(m.get("content")));
                }
                case "assistant" -> {
                    ArrayNode blocks = NODES.arrayNode();
                    String content = text(m.get("content"));
                    if (!content.isEmpty()) {
                        blocks.addObject().put("type", "text").put("text", content);
                    }
                    for (JsonNode call : m.path("tool_calls")) {
                        ObjectNode use = blocks.addObject();
                        use.put("type", "tool_use");
                        use.put("id", call.path("id").asText());
                        use.put("name", call.path("function").path("name").asText());
                        use.set("input", arguments(call.path("function").path("arguments").asText("{}"), mapper));
                    }
                    append(messages, "assistant", blocks);
                }
                case "tool", "function" -> {
                    ArrayNode blocks = NODES.arrayNode();
                    ObjectNode result = blocks.addObject();
                    result.put("type", "tool_result");
                    result.put("tool_use_id", m.path("tool_call_id").asText(m.path("name").asText("")));
                    result.put("content", text(m.get("content")));
                    append(messages, "user", blocks);
                }
                default -> append(messages, "user", userBlocks(m.get("content")));
            }
        }
        if (system.length() > 0) {
            out.put("system", system.toString());
        }
        out.set("messages", messages);
        JsonNode max = openai.has("max_completion_tokens") ? openai.get("max_completion_tokens") : openai.get("max_tokens");
        out.put("max_tokens", max != null && max.canConvertToInt() ? max.asInt() : DEFAULT_MAX_TOKENS);
        copyNumber(openai, out, "temperature");
        copyNumber(openai, out, "top_p");
        JsonNode stop = openai.get("stop");
        if (stop != null && !stop.isNull()) {
            ArrayNode sequences = out.putArray("stop_sequences");
            if (stop.isArray()) {
                stop.forEach(s -> sequences.add(s.asText()));
            } else {
                sequences.add(stop.asText());
            }
        }
        JsonNode tools = openai.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            ArrayNode list = out.putArray("tools");
            for (JsonNode t : tools) {
                JsonNode f = t.path("function");
                ObjectNode tool = list.addObject();
                tool.put("name", f.path("name").asText());
                if (f.hasNonNull("description")) {
                    tool.put("description", f.get("description").asText());
                }
                JsonNode schema = f.get("parameters");
                tool.set("input_schema", schema != null && schema.isObject() ? schema
                        : NODES.objectNode().put("type", "object"));
            }
        }
        ObjectNode choice = toolChoice(openai.get("tool_choice"));
        JsonNode parallel = openai.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.asBoolean() && out.has("tools")) {
            if (choice == null) {
                choice = NODES.objectNode().put("type", "auto");
            }
            choice.put("disable_parallel_tool_use", true);
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
        JsonNode user = openai.get("user");
        if (user != null && user.isTextual()) {
            out.putObject("metadata").put("user_id", user.asText());
        }
        if (stream) {
            out.put("stream", true);
        }
        return out;
    }

    private static @Nullable ObjectNode toolChoice(@Nullable JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            return switch (choice.asText()) {
                case "none" -> NODES.objectNode().put("type", "none");
                case "required" -> NODES.objectNode().put("type", "any");
                default -> NODES.objectNode().put("type", "auto");
            };
        }
        String name = choice.path("function").path("name").asText(null);
        return name == null ? NODES.objectNode().put("type", "auto")
                : NODES.objectNode().put("type", "tool").put("name", name);
    }

    /** Anthropic wants alternating roles: consecutive messages of one role become one message with all blocks. */
    private static void append(ArrayNode messages, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && last.path("role").asText().equals(role)) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        ObjectNode m = messages.addObject();
        m.put("role", role);
        m.set("content", blocks);
    }

    private static ArrayNode userBlocks(@Nullable JsonNode content) {
        ArrayNode blocks = NODES.arrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            blocks.addObject().put("type", "text").put("text", content.asText());
            return blocks;
        }
        for (JsonNode part : content) {
            String type = part.path("type").asText();
            if (type.equals("text")) {
                blocks.addObject().put("type", "text").put("text", part.path("text").asText());
            } else if (type.equals("image_url")) {
                String url = part.path("image_url").isTextual() ? part.path("image_url").asText()
                        : part.path("image_url").path("url").asText();
                ObjectNode image = blocks.addObject();
                image.put("type", "image");
                ObjectNode source = image.putObject("source");
                int comma = url.indexOf(',');
                if (url.startsWith("data:") && comma > 0 && url.substring(0, comma).endsWith(";base64")) {
                    source.put("type", "base64");
                    source.put("media_type", url.substring(5, comma - ";base64".length()));
                    source.put("data", url.substring(comma + 1));
                } else {
                    source.put("type", "url");
                    source.put("url", url);
                }
            }
        }
        return blocks;
    }

    /** The text of an OpenAI content field: a string, or the text parts of a list joined. */
    static String text(@Nullable JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                sb.append(part.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static JsonNode arguments(String json, ObjectMapper mapper) {
        try {
            JsonNode n = mapper.readTree(json.isBlank() ? "{}" : json);
            return n != null && n.isObject() ? n : NODES.objectNode();
        } catch (JsonProcessingException e) {
            return NODES.objectNode();
        }
    }

    private static void copyNumber(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v != null && v.isNumber()) {
            to.set(field, v);
        }
    }

    /** Anthropic's {@code stop_reason} as an OpenAI {@code finish_reason}. */
    static @Nullable String finishReason(@Nullable String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop"; // end_turn, stop_sequence, pause_turn
        };
    }

    /**
     * Anthropic's usage as OpenAI's: prompt tokens include the cache reads and writes (OpenAI counts cached tokens
     * inside {@code prompt_tokens}); cache reads are {@code prompt_tokens_details.cached_tokens}.
     */
    static ObjectNode usage(JsonNode input, long outputTokens) {
        long cacheRead = input.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = input.path("cache_creation_input_tokens").asLong(0);
        long prompt = input.path("input_tokens").asLong(0) + cacheRead + cacheWrite;
        ObjectNode usage = NODES.objectNode();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", outputTokens);
        usage.put("total_tokens", prompt + outputTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
        if (cacheWrite > 0) {
            usage.put("cache_creation_input_tokens", cacheWrite);
        }
        return usage;
    }

    /** A Messages API answer as an OpenAI {@code chat.completion}. */
    static ObjectNode response(JsonNode message, long createdSeconds) {
        ObjectNode out = NODES.objectNode();
        out.put("id", message.path("id").asText());
        out.put("object", "chat.completion");
        out.put("created", createdSeconds);
        out.put("model", message.path("model").asText());
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode m = choice.putObject("message");
        m.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        ArrayNode calls = NODES.arrayNode();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    ObjectNode f = call.putObject("function");
                    f.put("name", block.path("name").asText());
                    f.put("arguments", block.path("input").toString());
                }
                default -> {
                    // thinking and other blocks have no OpenAI counterpart
                }
            }
        }
        if (text.length() > 0 || calls.isEmpty()) {
            m.put("content", text.toString());
        } else {
            m.putNull("content");
        }
        if (!calls.isEmpty()) {
            m.set("tool_calls", calls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
        JsonNode usage = message.path("usage");
        out.set("usage", usage(usage, usage.path("output_tokens").asLong(0)));
        return out;
    }
}
