package com.insidellm.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A small scripted stand-in for the OpenAI chat completions API on loopback, so that {@link LangChain4jAgent} runs
 * the real LangChain4j OpenAI client (tool calls, chat memory, streaming) without an account.
 *
 * <p>It answers {@code POST /v1/chat/completions} like OpenAI does: a user message about the weather, converting
 * money or an order number (such as {@code AB-1234}) gets a call of the matching tool offered in the request; a
 * message starting with {@code Title:} gets a short title; a tool result gets a final answer built
 * from it (mentioning the city of an earlier turn, which only chat memory can supply); anything else gets a short
 * text. Requests with {@code "stream": true} are answered with server-sent events: text or tool-call deltas, a finish
 * chunk, a usage chunk and {@code [DONE]}. Token counts are estimated at four characters per token.
 */
public final class ScriptedOpenAiServer implements AutoCloseable {

    static final String MODEL = "gpt-4o-mini-2024-07-18";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");
    private static final Pattern ORDER_NUMBER = Pattern.compile("[A-Z]{2}-\\d+");
    private static final Pattern CITY = Pattern.compile("\\bin ([A-Z][a-z]+)");

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger ids = new AtomicInteger();

    private ScriptedOpenAiServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts the server on a free loopback port. */
    public static ScriptedOpenAiServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "scripted-openai");
            t.setDaemon(true);
            return t;
        });
        ScriptedOpenAiServer scripted = new ScriptedOpenAiServer(server, executor);
        server.createContext("/v1/chat/completions", scripted::handle);
        server.setExecutor(executor);
        server.start();
        return scripted;
    }

    /** The base URL to give an OpenAI client, such as {@code http://127.0.0.1:50123/v1}. */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
                + "/v1";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            Reply reply = reply(request);
            String id = "chatcmpl-scripted-" + ids.incrementAndGet();
            int promptTokens = Math.max(1, request.path("messages").toString().length() / 4);
            int completionTokens = Math.max(1, reply.length() / 4);
            ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", promptTokens)
                    .put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
            if (request.path("stream").asBoolean()) {
                stream(exchange, id, reply, usage);
            } else {
                complete(exchange, id, reply, usage);
            }
        }
    }

    /** What to answer: text, or one call of a tool with JSON arguments. */
    record Reply(String text, String toolName, String arguments) {

        static Reply text(String text) {
            return new Reply(text, "", "");
        }

        static Reply toolCall(String toolName, String arguments) {
            return new Reply("", toolName, arguments);
        }

        boolean isToolCall() {
            return !toolName.isEmpty();
        }

        int length() {
            return text.length() + toolName.length() + arguments.length();
        }
    }

    /** The script. */
    static Reply reply(JsonNode request) {
        JsonNode messages = request.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        switch (last.path("role").asText()) {
            case "user" -> {
                String text = last.path("content").asText();
                String lower = text.toLowerCase(Locale.ROOT);
                JsonNode weather = tool(request, "weather");
                JsonNode convert = tool(request, "convert");
                JsonNode order = tool(request, "order");
                if (lower.startsWith("title:")) {
                    return Reply.text(lower.contains("order") ? "Order status question" : "Travel question");
                }
                Matcher orderNumber = ORDER_NUMBER.matcher(text);
                if (lower.contains("order") && order != null && orderNumber.find()) {
                    return Reply.toolCall(name(order), JSON.createObjectNode()
                            .put(parameter(order, 0), orderNumber.group()).toString());
                }
                if (lower.contains("weather") && weather != null) {
                    Matcher city = CITY.matcher(text);
                    return Reply.toolCall(name(weather), JSON.createObjectNode()
                            .put(parameter(weather, 0), city.find() ? city.group(1) : "London").toString());
                }
                Matcher amount = NUMBER.matcher(text);
                if ((lower.contains("euro") || lower.contains("dollar")) && convert != null && amount.find()) {
                    return Reply.toolCall(name(convert), JSON.createObjectNode()
                            .put(parameter(convert, 0), Double.parseDouble(amount.group()))
                            .put(parameter(convert, 1), "EUR")
                            .put(parameter(convert, 2), "USD").toString());
                }
                return Reply.text("I can look up the weather in a city and convert euros to dollars.");
            }
            case "tool" -> {
                String result = last.path("content").asText();
                String toolName = last.path("name").asText(calledTool(messages, last.path("tool_call_id").asText()));
                String city = firstCity(messages);
                if (toolName.toLowerCase(Locale.ROOT).contains("order")) {
                    return Reply.text("Your order " + result + ".");
                }
                if (toolName.toLowerCase(Locale.ROOT).contains("weather")) {
                    return Reply.text("Right now in " + city + " it is " + result + ". Take an umbrella!");
                }
                return Reply.text("That is " + result + " US dollars, enough for a good dinner in " + city + ".");
            }
            default -> {
                return Reply.text("How can I help?");
            }
        }
    }

    private static @Nullable JsonNode tool(JsonNode request, String nameContains) {
        for (JsonNode tool : request.path("tools")) {
            if (name(tool).toLowerCase(Locale.ROOT).contains(nameContains)) {
                return tool;
            }
        }
        return null;
    }

    private static String name(JsonNode tool) {
        return tool.path("function").path("name").asText();
    }

    private static String parameter(JsonNode tool, int index) {
        List<String> names = new ArrayList<>();
        tool.path("function").path("parameters").path("properties").fieldNames().forEachRemaining(names::add);
        return index < names.size() ? names.get(index) : "arg" + index;
    }

    private static String calledTool(JsonNode messages, String callId) {
        for (JsonNode message : messages) {
            for (JsonNode call : message.path("tool_calls")) {
                if (call.path("id").asText().equals(callId)) {
                    return call.path("function").path("name").asText();
                }
            }
        }
        return "";
    }

    /** The city of the first weather question in the conversation: what chat memory carries between turns. */
    private static String firstCity(JsonNode messages) {
        for (JsonNode message : messages) {
            if (message.path("role").asText().equals("user")) {
                Matcher city = CITY.matcher(message.path("content").asText());
                if (city.find()) {
                    return city.group(1);
                }
            }
        }
        return "town";
    }

    private static void complete(HttpExchange exchange, String id, Reply reply, ObjectNode usage)
            throws IOException {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        if (reply.isToolCall()) {
            message.putNull("content");
            message.putArray("tool_calls").add(toolCall(id, reply, true));
        } else {
            message.put("content", reply.text());
        }
        ObjectNode body = envelope(id, "chat.completion");
        body.putArray("choices").addObject().put("index", 0).<ObjectNode>set("message", message)
                .put("finish_reason", reply.isToolCall() ? "tool_calls" : "stop");
        body.set("usage", usage);
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void stream(HttpExchange exchange, String id, Reply reply, ObjectNode usage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if (reply.isToolCall()) {
            // The call's id and name first, then its arguments in two fragments, as OpenAI streams them.
            String args = reply.arguments();
            ObjectNode head = toolCall(id, reply, false);
            head.put("index", 0);
            send(out, delta(id, JSON.createObjectNode().put("role", "assistant").putNull("content")
                    .set("tool_calls", JSON.createArrayNode().add(head)), null));
            for (String part : List.of(args.substring(0, args.length() / 2), args.substring(args.length() / 2))) {
                ObjectNode fragment = JSON.createObjectNode().put("index", 0);
                fragment.putObject("function").put("arguments", part);
                send(out, delta(id, JSON.createObjectNode().set("tool_calls", JSON.createArrayNode().add(fragment)),
                        null));
            }
            send(out, delta(id, JSON.createObjectNode(), "tool_calls"));
        } else {
            boolean first = true;
            for (String word : reply.text().split("(?<= )")) {
                ObjectNode delta = JSON.createObjectNode();
                if (first) {
                    delta.put("role", "assistant");
                    first = false;
                }
                send(out, delta(id, delta.put("content", word), null));
            }
            send(out, delta(id, JSON.createObjectNode(), "stop"));
        }
        ObjectNode usageChunk = envelope(id, "chat.completion.chunk");
        usageChunk.putArray("choices");
        usageChunk.set("usage", usage);
        send(out, usageChunk);
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode toolCall(String id, Reply reply, boolean withArguments) {
        ObjectNode call = JSON.createObjectNode().put("id", "call_" + id.substring(id.lastIndexOf('-') + 1))
                .put("type", "function");
        call.putObject("function").put("name", reply.toolName())
                .put("arguments", withArguments ? reply.arguments() : "");
        return call;
    }

    private static ObjectNode delta(String id, ObjectNode delta, @Nullable String finishReason) {
        ObjectNode chunk = envelope(id, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private static ObjectNode envelope(String id, String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", 1_700_000_000L)
                .put("model", MODEL);
    }

    private static void send(OutputStream out, JsonNode chunk) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
