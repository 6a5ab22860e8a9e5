package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.query.Filters;
import com.insidellm.collector.query.Params;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code openai-chat} dataset export: one JSON line per recorded call, {@code {"messages": [...the request's
 * messages..., the answer], "tools": [...], "model": ..., "metadata": {...}}}, the chat format fine-tuning tools take.
 * Gateway calls and SDK calls that recorded their messages export alike; a call is matched to its answer by the
 * answer's {@code parent_event_id}. Reads the store page by page in arrival order and streams, so an export of any size
 * holds only the requests still waiting for their answers. Internal; stateless.
 */
public final class DatasetExport {

    /** The one format: OpenAI's chat fine-tuning format. */
    public static final String FORMAT = "openai-chat";
    private static final int PAGE = 1000;
    /** Requests waiting for their answer; older ones are given up (their answer never came, or came much later). */
    private static final int MAX_PENDING = 100_000;

    private DatasetExport() {}

    /**
     * The export's filter from query parameters {@code from}, {@code to}, {@code model}, {@code user}, {@code run}
     * (and {@code provider}), as the events API reads them.
     *
     * @throws Params.BadRequestException if a value cannot be understood
     */
    public static EventFilter filter(Params params) {
        EventFilter f = Filters.events(params);
        return new EventFilter(List.of("llm.request", "llm.response"), null, f.model(), f.provider(), f.user(),
                f.run(), f.fromMicros(), f.toMicros(), null);
    }

    /** Writes the matching calls to {@code out} as JSON lines; returns how many lines were written. */
    public static long write(Store store, EventFilter filter, ObjectMapper mapper, OutputStream out) throws IOException {
        Map<String, JsonNode> pending = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, JsonNode> eldest) {
                return size() > MAX_PENDING;
            }
        };
        long lines = 0;
        long after = 0;
        while (true) {
            List<Store.EventRow> page = store.events(filter, after, null, PAGE);
            for (Store.EventRow row : page) {
                after = row.seq();
                JsonNode event = mapper.readTree(row.raw());
                String type = event.path("event_type").asText();
                if (type.equals("llm.request")) {
                    if (event.path("payload").path("messages").isArray()
                            && !event.path("payload").path("messages").isEmpty()) {
                        pending.put(event.path("event_id").asText(), event);
                    }
                } else {
                    JsonNode request = pending.remove(event.path("parent_event_id").asText(""));
                    if (request != null) {
                        writeLine(mapper, request, event, out);
                        lines++;
                    }
                }
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        out.flush();
        return lines;
    }

    private static void writeLine(ObjectMapper mapper, JsonNode request, JsonNode response, OutputStream out)
            throws IOException {
        JsonNode req = request.path("payload");
        JsonNode res = response.path("payload");
        ObjectNode line = mapper.createObjectNode();
        ArrayNode messages = line.putArray("messages");
        req.path("messages").forEach(messages::add);
        JsonNode answer = res.get("response_message");
        if (answer == null || !answer.isObject()) {
            ObjectNode m = mapper.createObjectNode();
            m.put("role", "assistant");
            m.put("content", res.path("response_text").asText(""));
            answer = m;
        }
        messages.add(answer);
        if (req.path("tools").isArray() && !req.path("tools").isEmpty()) {
            line.set("tools", req.get("tools"));
        }
        line.put("model", req.path("model_name").asText());
        ObjectNode metadata = line.putObject("metadata");
        metadata.put("run_id", request.path("run_id").asText());
        metadata.put("user_id", request.path("user_id").asText());
        metadata.put("provider", req.path("provider").asText());
        metadata.put("timestamp", request.path("timestamp").asText());
        metadata.put("request_event_id", request.path("event_id").asText());
        metadata.put("response_event_id", response.path("event_id").asText());
        if (res.hasNonNull("finish_reason")) {
            metadata.put("finish_reason", res.get("finish_reason").asText());
        }
        if (res.path("usage").isObject()) {
            metadata.set("usage", res.get("usage"));
        }
        String source = request.path("metadata").path("source").asText("");
        metadata.put("source", source.isEmpty() ? "sdk" : source);
        out.write(mapper.writeValueAsBytes(line));
        out.write('\n');
    }
}
