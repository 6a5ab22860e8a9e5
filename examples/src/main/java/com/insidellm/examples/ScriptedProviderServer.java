package com.insidellm.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A scripted stand-in for the Anthropic Messages API ({@code POST /v1/messages}) and the Gemini API
 * ({@code POST /v1/models/{model}:generateContent} and {@code :streamGenerateContent?alt=sse}, also under
 * {@code /v1beta}) on loopback, so
 * that the provider SDK examples run the real Anthropic and Google Gen AI clients without an account.
 *
 * <p>It reads each request in the provider's own format, answers with the script of {@link ScriptedOpenAiServer}
 * (a weather question gets a call of the weather tool, a tool result gets an answer built from it), and writes the
 * answer in the provider's format: a JSON body, or server-sent events for a stream. Token counts are estimated at
 * four characters per token.
 */
public final class ScriptedProviderServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger ids = new AtomicInteger();

    private ScriptedProviderServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts the server on a free loopback port. */
    public static ScriptedProviderServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "scripted-provider");
            t.setDaemon(true);
            return t;
        });
        ScriptedProviderServer scripted = new ScriptedProviderServer(server, executor);
        server.createContext("/v1/messages", scripted::anthropic);
        // The SDK's API version: v1 by default, v1beta when an application asks for it.
        server.createContext("/v1/models/", scripted::gemini);
        server.createContext("/v1beta/models/", scripted::gemini);
        server.setExecutor(executor);
        server.start();
        return scripted;
    }

    /** The base URL to give a client, such as {@code http://127.0.0.1:50123/}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
                + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ Anthropic

    private void anthropic(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            ObjectNode chat = JSON.createObjectNode();
            ArrayNode messages = chat.putArray("messages");
            for (JsonNode message : request.path("messages")) {
                if (message.path("content").isTextual()) {
                    messages.addObject().put("role", message.path("role").asText())
                            .put("content", message.path("content").asText());
                    continue;
                }
                for (JsonNode block : message.path("content")) {
                    switch (block.path("type").asText()) {
                        case "text" -> messages.addObject().put("role", message.path("role").asText())
                                .put("content", block.path("text").asText());
                        case "tool_use" -> messages.addObject().put("role", "assistant").putArray("tool_calls")
                                .addObject().put("id", block.path("id").asText()).putObject("function")
                                .put("name", block.path("name").asText());
                        case "tool_result" -> messages.addObject().put("role", "tool")
                                .put("tool_call_id", block.path("tool_use_id").asText())
                                .put("content", text(block.path("content")));
                        default -> { }
                    }
                }
            }
            ArrayNode tools = chat.putArray("tools");
            for (JsonNode tool : request.path("tools")) {
                tools.addObject().putObject("function").put("name", tool.path("name").asText())
                        .set("parameters", tool.path("input_schema"));
            }
            ScriptedOpenAiServer.Reply reply = ScriptedOpenAiServer.reply(chat);
            String id = "msg_scripted_" + ids.incrementAndGet();
            int input = Math.max(1, request.path("messages").toString().length() / 4);
            int output = Math.max(1, reply.length() / 4);
            ObjectNode block = reply.isToolCall()
                    ? JSON.createObjectNode().put("type", "tool_use").put("id", "toolu_" + id).put("name",
                            reply.toolName()).set("input", JSON.readTree(reply.arguments()))
                    : JSON.createObjectNode().put("type", "text").put("text", reply.text());
            String stopReason = reply.isToolCall() ? "tool_use" : "end_turn";
            if (!request.path("stream").asBoolean()) {
                ObjectNode body = JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                        .put("model", "claude-sonnet-4-5-20250929");
                body.putArray("content").add(block);
                body.put("stop_reason", stopReason).putNull("stop_sequence");
                body.putObject("usage").put("input_tokens", input).put("cache_creation_input_tokens", 0)
                        .put("cache_read_input_tokens", 0).put("output_tokens", output);
                json(exchange, body);
                return;
            }
            OutputStream out = events(exchange);
            ObjectNode start = JSON.createObjectNode().put("type", "message_start");
            ObjectNode message = start.putObject("message").put("id", id).put("type", "message")
                    .put("role", "assistant").put("model", "claude-sonnet-4-5-20250929");
            message.putArray("content");
            message.putNull("stop_reason").putNull("stop_sequence");
            message.putObject("usage").put("input_tokens", input).put("cache_creation_input_tokens", 0)
                    .put("cache_read_input_tokens", 0).put("output_tokens", 1);
            event(out, "message_start", start);
            ObjectNode opened = block.deepCopy();
            if (reply.isToolCall()) {
                opened.putObject("input");
            } else {
                opened.put("text", "");
            }
            event(out, "content_block_start", JSON.createObjectNode().put("type", "content_block_start")
                    .put("index", 0).set("content_block", opened));
            String content = reply.isToolCall() ? reply.arguments() : reply.text();
            for (String piece : reply.isToolCall()
                    ? new String[] {content.substring(0, content.length() / 2), content.substring(content.length() / 2)}
                    : content.split("(?<= )")) {
                ObjectNode delta = reply.isToolCall()
                        ? JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", piece)
                        : JSON.createObjectNode().put("type", "text_delta").put("text", piece);
                event(out, "content_block_delta", JSON.createObjectNode().put("type", "content_block_delta")
                        .put("index", 0).set("delta", delta));
            }
            event(out, "content_block_stop", JSON.createObjectNode().put("type", "content_block_stop")
                    .put("index", 0));
            ObjectNode done = JSON.createObjectNode().put("type", "message_delta");
            done.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
            done.putObject("usage").put("output_tokens", output);
            event(out, "message_delta", done);
            event(out, "message_stop", JSON.createObjectNode().put("type", "message_stop"));
        }
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode block : content) {
            sb.append(block.path("text").asText());
        }
        return sb.toString();
    }

    // --------------------------------------------------------------------------------------------------- Gemini

    private void gemini(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            ObjectNode chat = JSON.createObjectNode();
            ArrayNode messages = chat.putArray("messages");
            for (JsonNode content : request.path("contents")) {
                String role = content.path("role").asText().equals("model") ? "assistant" : "user";
                for (JsonNode part : content.path("parts")) {
                    if (part.has("text")) {
                        messages.addObject().put("role", role).put("content", part.path("text").asText());
                    } else if (part.has("functionCall")) {
                        messages.addObject().put("role", "assistant").putArray("tool_calls").addObject()
                                .put("id", part.path("functionCall").path("name").asText()).putObject("function")
                                .put("name", part.path("functionCall").path("name").asText());
                    } else if (part.has("functionResponse")) {
                        JsonNode response = part.path("functionResponse");
                        messages.addObject().put("role", "tool").put("name", response.path("name").asText())
                                .put("content", response.path("response").path("result").asText(
                                        response.path("response").toString()));
                    }
                }
            }
            ArrayNode tools = chat.putArray("tools");
            for (JsonNode tool : request.path("tools")) {
                for (JsonNode declaration : tool.path("functionDeclarations")) {
                    tools.addObject().putObject("function").put("name", declaration.path("name").asText())
                            .set("parameters", declaration.path("parameters"));
                }
            }
            ScriptedOpenAiServer.Reply reply = ScriptedOpenAiServer.reply(chat);
            int input = Math.max(1, request.path("contents").toString().length() / 4);
            int output = Math.max(1, reply.length() / 4);
            ObjectNode usage = JSON.createObjectNode().put("promptTokenCount", input)
                    .put("candidatesTokenCount", output).put("totalTokenCount", input + output);
            String id = "scripted-" + ids.incrementAndGet();
            if (!exchange.getRequestURI().getPath().endsWith(":streamGenerateContent")) {
                json(exchange, candidate(id, reply.isToolCall() ? functionCall(reply) : textPart(reply.text()),
                        "STOP", usage));
                return;
            }
            OutputStream out = events(exchange);
            if (reply.isToolCall()) {
                data(out, candidate(id, functionCall(reply), "STOP", usage));
            } else {
                String[] words = reply.text().split("(?<= )");
                for (int i = 0; i < words.length; i++) {
                    boolean last = i == words.length - 1;
                    data(out, candidate(id, textPart(words[i]), last ? "STOP" : null, last ? usage : null));
                }
            }
        }
    }

    private static ObjectNode textPart(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    private static ObjectNode functionCall(ScriptedOpenAiServer.Reply reply) throws IOException {
        ObjectNode part = JSON.createObjectNode();
        part.putObject("functionCall").put("name", reply.toolName()).set("args", JSON.readTree(reply.arguments()));
        return part;
    }

    private static ObjectNode candidate(String id, ObjectNode part, @Nullable String finishReason,
            @Nullable ObjectNode usage) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode candidate = body.putArray("candidates").addObject();
        candidate.putObject("content").put("role", "model").putArray("parts").add(part);
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        candidate.put("index", 0);
        if (usage != null) {
            body.set("usageMetadata", usage);
        }
        return body.put("modelVersion", "gemini-2.5-flash").put("responseId", id);
    }

    // ------------------------------------------------------------------------------------------------- writing

    private static void json(HttpExchange exchange, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static OutputStream events(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        return exchange.getResponseBody();
    }

    private static void event(OutputStream out, String type, JsonNode data) throws IOException {
        out.write(("event: " + type + "\ndata: " + JSON.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void data(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
