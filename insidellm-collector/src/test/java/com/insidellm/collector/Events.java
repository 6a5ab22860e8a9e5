package com.insidellm.collector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/** Builds wire-format events for tests. */
final class Events {

    static final ObjectMapper JSON = new ObjectMapper();

    private Events() {}

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    static ObjectNode event(String type, String runId, String userId, Instant at) {
        ObjectNode e = JSON.createObjectNode();
        e.put("event_id", uuid());
        e.put("run_id", runId);
        e.put("timestamp", at.toString());
        e.put("event_type", type);
        e.put("user_id", userId);
        e.putObject("payload");
        return e;
    }

    static ObjectNode userInput(String runId, String userId, Instant at, String text) {
        ObjectNode e = event("user.input", runId, userId, at);
        e.withObjectProperty("payload").put("input_text", text).put("input_type", "text").putNull("channel");
        return e;
    }

    static ObjectNode runStart(String runId, String userId, Instant at) {
        ObjectNode e = event("run.start", runId, userId, at);
        e.withObjectProperty("payload").put("session_id", runId).put("session_type", "chat");
        return e;
    }

    static ObjectNode runEnd(String runId, String userId, Instant at) {
        ObjectNode e = event("run.end", runId, userId, at);
        e.withObjectProperty("payload").put("session_id", runId).put("exit_reason", "completed");
        return e;
    }

    static ObjectNode llmRequest(String runId, String userId, Instant at, String model, ArrayNode messages) {
        ObjectNode e = event("llm.request", runId, userId, at);
        ObjectNode p = e.withObjectProperty("payload");
        p.put("model_name", model).put("provider", provider(model)).put("prompt", lastContent(messages))
                .put("call_type", "chat");
        p.set("messages", messages.deepCopy());
        return e;
    }

    static ObjectNode llmResponse(String runId, String userId, Instant at, ObjectNode request, String text,
            long promptTokens, long completionTokens, double cost, double latencyMs) {
        ObjectNode e = event("llm.response", runId, userId, at);
        e.put("parent_event_id", request.get("event_id").asText());
        ObjectNode p = e.withObjectProperty("payload");
        p.put("model_name", request.get("payload").get("model_name").asText())
                .put("provider", request.get("payload").get("provider").asText())
                .put("response_text", text).put("finish_reason", "stop").put("response_time_ms", latencyMs)
                .put("cost", cost);
        p.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        p.putObject("response_message").put("role", "assistant").put("content", text);
        return e;
    }

    static ObjectNode error(String runId, String userId, Instant at, String message) {
        ObjectNode e = event("error", runId, userId, at);
        e.withObjectProperty("payload").put("error_type", "ToolError").put("error_message", message).put("severity", "error");
        return e;
    }

    static ObjectNode message(String role, String content) {
        return JSON.createObjectNode().put("role", role).put("content", content);
    }

    private static String provider(String model) {
        return model.startsWith("claude") ? "anthropic" : "openai";
    }

    private static String lastContent(ArrayNode messages) {
        return messages.isEmpty() ? "" : messages.get(messages.size() - 1).path("content").asText("");
    }
}
