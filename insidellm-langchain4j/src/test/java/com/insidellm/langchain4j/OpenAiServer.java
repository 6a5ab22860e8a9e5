package com.insidellm.langchain4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A scripted OpenAI-compatible server on loopback: {@code POST /v1/chat/completions} answered by a function of the
 * request body. Builds the JSON of completions, tool calls and SSE streams the way the OpenAI API sends them.
 */
final class OpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockWebServer server = new MockWebServer();
    private final List<String> requestBodies = new CopyOnWriteArrayList<>();

    OpenAiServer(Function<String, MockResponse> answer) throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = request.getBody().readUtf8();
                requestBodies.add(body);
                if (!"/v1/chat/completions".equals(request.getPath())) {
                    return new MockResponse().setResponseCode(404);
                }
                return answer.apply(body);
            }
        });
        server.start();
    }

    private static final java.util.regex.Pattern TOOL_ROLE = java.util.regex.Pattern.compile("\"role\"\\s*:\\s*\"tool\"");

    /** Whether a chat completions request carries a tool result (the body may be pretty-printed). */
    static boolean hasToolResult(String body) {
        return TOOL_ROLE.matcher(body).find();
    }

    String baseUrl() {
        return server.url("/v1").toString();
    }

    List<String> requestBodies() {
        return requestBodies;
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }

    static MockResponse json(Object body) {
        try {
            return new MockResponse().setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A completion answering with text. */
    static MockResponse text(String id, String text, Map<String, Object> usage) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", text);
        return completion(id, message, "stop", usage);
    }

    /** A completion answering with one tool call and no text. */
    static MockResponse toolCall(String id, String callId, String name, String arguments, Map<String, Object> usage) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", null);
        message.put("tool_calls", List.of(Map.of("id", callId, "type", "function",
                "function", Map.of("name", name, "arguments", arguments))));
        return completion(id, message, "tool_calls", usage);
    }

    static MockResponse completion(String id, Map<String, Object> message, String finishReason,
            Map<String, Object> usage) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("finish_reason", finishReason);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("object", "chat.completion");
        body.put("created", 1_700_000_000);
        body.put("model", "gpt-4o-mini-2024-07-18");
        body.put("choices", List.of(choice));
        if (usage != null) {
            body.put("usage", usage);
        }
        return json(body);
    }

    static Map<String, Object> usage(int prompt, int completion, int cached, int reasoning) {
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", prompt + completion);
        usage.put("prompt_tokens_details", Map.of("cached_tokens", cached));
        usage.put("completion_tokens_details", Map.of("reasoning_tokens", reasoning));
        return usage;
    }

    /** A streamed answer: one SSE chunk per piece of text, the finish chunk, a usage chunk and {@code [DONE]}. */
    static MockResponse stream(String id, List<String> pieces, Map<String, Object> usage) {
        try {
            StringBuilder sse = new StringBuilder();
            List<Map<String, Object>> chunks = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                Map<String, Object> delta = new LinkedHashMap<>();
                if (i == 0) {
                    delta.put("role", "assistant");
                }
                delta.put("content", pieces.get(i));
                chunks.add(chunk(id, List.of(choice(delta, null))));
            }
            chunks.add(chunk(id, List.of(choice(Map.of(), "stop"))));
            Map<String, Object> usageChunk = chunk(id, List.of());
            usageChunk.put("usage", usage);
            chunks.add(usageChunk);
            for (Map<String, Object> chunk : chunks) {
                sse.append("data: ").append(JSON.writeValueAsString(chunk)).append("\n\n");
            }
            sse.append("data: [DONE]\n\n");
            return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(sse.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> choice(Map<String, Object> delta, String finishReason) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", finishReason);
        return choice;
    }

    private static Map<String, Object> chunk(String id, List<Map<String, Object>> choices) {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", 1_700_000_000);
        chunk.put("model", "gpt-4o-mini-2024-07-18");
        chunk.put("choices", choices);
        return chunk;
    }
}
