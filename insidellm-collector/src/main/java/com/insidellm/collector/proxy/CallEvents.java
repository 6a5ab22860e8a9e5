package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.ModelPrice;
import com.insidellm.PriceTable;
import com.insidellm.TokenUsage;
import com.insidellm.collector.ingest.WireValues;
import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoredEvent;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The events of one proxied call, in stored form: {@code run.start} when threading opens a run for it,
 * {@code llm.request}, and {@code llm.response} or {@code error}; and the {@code run.end} of a run gone idle. Places
 * each call in its run through {@link GatewayRuns} and remembers its conversation there. Internal; used by the
 * recorder's one thread only.
 */
final class CallEvents {

    /** The user of calls that name none. */
    static final String DEFAULT_USER = "gateway";
    /** Request fields recorded elsewhere than in {@code parameters}. */
    private static final Set<String> NOT_PARAMETERS = Set.of("model", "messages", "tools", "tool_choice", "stream",
            "stream_options", "user");

    private final ObjectMapper mapper;
    private final GatewayRuns runs;
    private final GatewayEvents writer;
    private final ModelPrices prices = new ModelPrices(PriceTable.defaults());

    CallEvents(ObjectMapper mapper, GatewayRuns runs) {
        this.mapper = mapper;
        this.runs = runs;
        this.writer = new GatewayEvents(mapper);
    }

    /** Adds the events of one call to {@code out}. */
    void add(ProxiedCall call, List<StoredEvent> out) throws IOException {
        ObjectNode request = call.request;
        String user = call.userId != null ? call.userId : DEFAULT_USER;
        JsonNode messages = request.path("messages");
        ConversationKeys.Request fingerprints = call.runId == null ? runs.request(messages) : null;
        GatewayRuns.Placement placement = runs.place(call.runId, fingerprints != null ? fingerprints.prefixes()
                : List.of(), user, call.startMicros);
        String runId = placement.runId();
        if (placement.started()) {
            out.add(runStart(runId, user, call.startMicros, placement.previousRunId()));
        }
        String model = call.route.providerModel();
        String provider = call.route.provider().id();
        String requestId = newId();
        JsonGenerator p = writer.begin(requestId, runId, "llm.request", user, call.startMicros, null,
                call.route.model());
        p.writeStringField("model_name", model);
        p.writeStringField("provider", provider);
        p.writeStringField("prompt", lastUserText(messages));
        p.writeObjectFieldStart("parameters");
        for (Map.Entry<String, JsonNode> e : request.properties()) {
            if (!NOT_PARAMETERS.contains(e.getKey())) {
                p.writeFieldName(e.getKey());
                p.writeTree(e.getValue());
            }
        }
        p.writeEndObject();
        String system = systemMessage(messages);
        if (system != null) {
            p.writeStringField("system_message", system);
        } else {
            p.writeNullField("system_message");
        }
        p.writeFieldName("messages");
        p.writeTree(messages);
        if (request.hasNonNull("tools")) {
            p.writeFieldName("tools");
            p.writeTree(request.get("tools"));
        }
        if (request.hasNonNull("tool_choice")) {
            p.writeFieldName("tool_choice");
            p.writeTree(request.get("tool_choice"));
        }
        p.writeStringField("call_type", "chat");
        p.writeBooleanField("stream", call.stream);
        out.add(writer.end(new GatewayEvents.Columns(model, provider, null, null, null, null, null, false, "chat",
                null)));

        long elapsedMs = (call.endNanos - call.startNanos) / 1_000_000;
        if (call.failed()) {
            JsonGenerator e = writer.begin(newId(), runId, "error", user, call.endMicros, requestId,
                    call.route.model());
            e.writeStringField("error_type", call.errorType);
            e.writeStringField("error_message", call.errorMessage);
            e.writeStringField("error_code", String.valueOf(call.errorStatus));
            e.writeNullField("stack_trace");
            e.writeObjectFieldStart("context");
            e.writeNumberField("status", call.errorStatus);
            e.writeStringField("model_name", model);
            e.writeStringField("provider", provider);
            e.writeStringField("gateway_model", call.route.model());
            e.writeNumberField("response_time_ms", elapsedMs);
            if (call.errorBody != null) {
                e.writeStringField("upstream_body", call.errorBody);
            }
            e.writeEndObject();
            e.writeStringField("severity", "error");
            out.add(writer.end(new GatewayEvents.Columns(null, null, null, null, null, null, null, true, null,
                    null)));
            return;
        }
        Answer answer = call.stream ? Answer.of(call.chunks, mapper) : Answer.of(call.response, mapper);
        JsonGenerator r = writer.begin(newId(), runId, "llm.response", user, call.endMicros, requestId,
                call.route.model());
        r.writeStringField("model_name", model);
        r.writeStringField("provider", provider);
        r.writeStringField("response_text", answer.text());
        r.writeStringField("finish_reason", answer.finishReason());
        TokenUsage usage = usage(answer.usage());
        Long promptTokens = null;
        Long completionTokens = null;
        Long totalTokens = null;
        Double cost = null;
        if (usage != null) {
            r.writeObjectFieldStart("usage");
            for (Map.Entry<String, @Nullable Object> u : usage.toMap().entrySet()) {
                if (u.getValue() == null) {
                    r.writeNullField(u.getKey());
                } else {
                    r.writeNumberField(u.getKey(), ((Number) u.getValue()).longValue());
                }
            }
            r.writeEndObject();
            promptTokens = usage.promptTokens() == null ? null : usage.promptTokens().longValue();
            completionTokens = usage.completionTokens() == null ? null : usage.completionTokens().longValue();
            Object total = usage.toMap().get("total_tokens");
            totalTokens = total != null ? Long.valueOf(((Number) total).longValue())
                    : promptTokens != null || completionTokens != null
                    ? Long.valueOf((promptTokens == null ? 0 : promptTokens)
                            + (completionTokens == null ? 0 : completionTokens))
                    : null;
            ModelPrice price = prices.price(answer.model() != null ? answer.model() : model);
            if (price == null) {
                price = prices.price(model);
            }
            cost = price == null ? null : price.cost(usage);
            if (cost != null) {
                r.writeNumberField("cost", cost);
            } else {
                r.writeNullField("cost");
            }
        } else {
            r.writeNullField("usage");
            r.writeNullField("cost");
        }
        r.writeNumberField("response_time_ms", elapsedMs);
        r.writeFieldName("response_message");
        r.writeTree(answer.message());
        Double ttft = null;
        if (call.stream && call.firstTokenNanos != 0) {
            long ms = (call.firstTokenNanos - call.startNanos) / 1_000_000;
            r.writeNumberField("time_to_first_token_ms", ms);
            ttft = (double) ms;
        }
        if (answer.id() != null) {
            r.writeStringField("response_id", answer.id());
        }
        if (answer.model() != null) {
            r.writeStringField("response_model", answer.model());
        }
        // The schema's rule: an answer that finished with "error" is an error.
        out.add(writer.end(new GatewayEvents.Columns(model, provider, promptTokens, completionTokens, totalTokens,
                cost, (double) elapsedMs, "error".equals(answer.finishReason()), null, ttft)));
        if (fingerprints != null) {
            // Only runs the gateway threads: a header's run belongs to the application, which ends it.
            runs.remember(fingerprints.withAnswer(answer.message()), runId, call.endMicros);
        }
    }

    private StoredEvent runStart(String runId, String user, long micros, @Nullable String previousRunId)
            throws IOException {
        JsonGenerator p = writer.begin(newId(), runId, "run.start", user, micros, null, null);
        p.writeStringField("session_id", runId);
        p.writeStringField("session_type", "gateway");
        p.writeObjectFieldStart("initial_context");
        p.writeStringField("source", "gateway");
        p.writeStringField("kind", "conversation");
        if (previousRunId != null) {
            p.writeStringField("previous_run_id", previousRunId);
        }
        p.writeEndObject();
        return writer.end(GatewayEvents.Columns.NONE);
    }

    StoredEvent runEnd(ConversationStore.OpenRun run) throws IOException {
        long at = Math.max(run.lastMicros(), run.startedMicros()) + 1;
        long durationMs = (run.lastMicros() - run.startedMicros()) / 1000;
        JsonGenerator p = writer.begin(newId(), run.runId(), "run.end", run.userId(), at, null, null);
        p.writeStringField("session_id", run.runId());
        p.writeNumberField("session_duration_ms", durationMs);
        p.writeNullField("session_summary");
        p.writeStringField("exit_reason", "idle");
        return writer.end(GatewayEvents.Columns.latency(durationMs));
    }

    static @Nullable TokenUsage usage(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        Integer prompt = intOrNull(usage.get("prompt_tokens"));
        Integer completion = intOrNull(usage.get("completion_tokens"));
        Integer total = intOrNull(usage.get("total_tokens"));
        Integer cached = intOrNull(usage.path("prompt_tokens_details").get("cached_tokens"));
        Integer reasoning = intOrNull(usage.path("completion_tokens_details").get("reasoning_tokens"));
        return new TokenUsage(prompt, completion, total, cached, reasoning);
    }

    private static @Nullable Integer intOrNull(@Nullable JsonNode n) {
        return n != null && n.canConvertToInt() && !n.isNull() ? n.asInt() : null;
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).path("role").asText().equals("user")) {
                return Anthropic.text(messages.get(i).get("content"));
            }
        }
        return "";
    }

    private static @Nullable String systemMessage(JsonNode messages) {
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                return Anthropic.text(m.get("content"));
            }
        }
        return null;
    }

    /**
     * A random (version 4) UUID from {@link java.util.concurrent.ThreadLocalRandom}: event and run ids need to be
     * unique, not unguessable, and {@link UUID#randomUUID()} reads the OS's secure generator under a lock.
     */
    static String newId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID for a new run: the run id keys several indexes (a run's events, the
     * runs table, the gateway's open runs), and random ids put every new run on a random page of each, so each
     * commit wrote a page per index per call and the cost grew with the database; ids that grow with time append at
     * the right edge instead, as the SDKs' timestamps do for the events index.
     */
    static String newRunId(long epochMillis) {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    static String timestamp(long micros) {
        return WireValues.iso(micros);
    }
}
