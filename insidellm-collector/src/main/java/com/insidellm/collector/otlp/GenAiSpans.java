package com.insidellm.collector.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.PriceTable;
import com.insidellm.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Turns OTLP spans into InsideLLM wire events, and holds every attribute name the receiver reads: the current GenAI
 * semantic conventions, their deprecated names ({@code gen_ai.system}, {@code gen_ai.usage.prompt_tokens}/
 * {@code completion_tokens}, {@code gen_ai.prompt}/{@code completion}), OpenInference's ({@code llm.*},
 * {@code openinference.span.kind}), Spring AI's ({@code spring.ai.kind}) and the InsideLLM exporter's own.
 *
 * <p>A trace is a run (the run id is the trace id written as a UUID); a model call span becomes
 * {@code llm.request} + {@code llm.response}, a tool span {@code tool.call} + {@code tool.response}, a retrieval span
 * {@code retrieval.start}/{@code end}, an agent or framework span {@code chain.start}/{@code end}; the trace's root
 * span becomes {@code run.start}/{@code run.end}. Spans that are not GenAI are kept only when they are parents of
 * GenAI spans (as chains), so the tree holds together; the rest are dropped. Event ids are derived from the trace and
 * span ids, so a batch the SDK sends again is stored once.
 *
 * <p>OTLP exporters send a span when it ends, so children usually arrive before their parents, in earlier requests;
 * the span ids children named as parents are remembered (bounded) so those parents are kept when they arrive.
 * Thread-safe.
 */
final class GenAiSpans {

    /** Parent span ids remembered between requests (oldest forgotten first). */
    static final int MAX_REMEMBERED_PARENTS = 100_000;
    /** Spans dropped recently, kept in case a GenAI child sent in a later (or concurrent) request names them. */
    static final int MAX_DROPPED_KEPT = 10_000;
    /** Users seen per trace, for spans of the trace that do not carry one. */
    static final int MAX_TRACE_USERS = 10_000;

    // Operation and kind values.
    private static final Set<String> LLM_OPERATIONS = Set.of("chat", "text_completion", "generate_content",
            "embeddings", "completion");
    private static final Set<String> OI_LLM_KINDS = Set.of("LLM", "EMBEDDING");
    private static final Set<String> OI_RETRIEVAL_KINDS = Set.of("RETRIEVER", "RERANKER");

    private final PriceTable prices;
    private final ObjectMapper mapper;
    private final Object lock = new Object();
    private final LinkedHashMap<String, Boolean> neededParents = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_PARENTS;
        }
    };
    private final LinkedHashMap<String, OtlpSpan> droppedRecently = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OtlpSpan> eldest) {
            return size() > MAX_DROPPED_KEPT;
        }
    };
    private final LinkedHashMap<String, String> traceUsers = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_TRACE_USERS;
        }
    };

    GenAiSpans(PriceTable prices, ObjectMapper mapper) {
        this.prices = prices;
        this.mapper = mapper;
    }

    private enum Kind { LLM, TOOL, RETRIEVAL, CHAIN, OTHER }

    /** The wire events for one export request's spans, in time order within each span. */
    List<ObjectNode> convert(List<OtlpSpan> spans) {
        Map<String, String> users = new HashMap<>();
        Map<String, OtlpSpan> byId = new HashMap<>();
        for (OtlpSpan s : spans) {
            byId.put(s.traceId() + s.spanId(), s);
        }
        Set<String> keep = new LinkedHashSet<>();
        List<OtlpSpan> all = new ArrayList<>(spans);
        Deque<OtlpSpan> work = new ArrayDeque<>();
        for (OtlpSpan s : spans) {
            if (kind(s) != Kind.OTHER || Boolean.TRUE.equals(s.attr("insidellm.carrier"))) {
                keep.add(s.traceId() + s.spanId());
                work.add(s);
            }
        }
        synchronized (lock) {
            for (OtlpSpan s : spans) {
                String key = s.traceId() + s.spanId();
                if (!keep.contains(key) && neededParents.remove(key) != null) {
                    keep.add(key);
                    work.add(s);
                }
            }
            // Walk up from every kept span: parents in this request are kept, the others remembered for later.
            while (!work.isEmpty()) {
                OtlpSpan s = work.poll();
                if (s.parentSpanId() == null) {
                    continue;
                }
                String parentKey = s.traceId() + s.parentSpanId();
                OtlpSpan parent = byId.get(parentKey);
                if (parent == null) {
                    // Sent earlier (or concurrently) and dropped then? Keep it now; else wait for it.
                    parent = droppedRecently.remove(parentKey);
                    if (parent != null) {
                        byId.put(parentKey, parent);
                        all.add(parent);
                    }
                }
                if (parent == null) {
                    neededParents.put(parentKey, Boolean.TRUE);
                } else if (keep.add(parentKey)) {
                    work.add(parent);
                }
            }
            for (OtlpSpan s : spans) {
                String key = s.traceId() + s.spanId();
                if (!keep.contains(key)) {
                    droppedRecently.put(key, s);
                }
                String user = firstStr(s, "user.id", "enduser.id", "langfuse.user.id");
                if (user != null && !user.isBlank()) {
                    traceUsers.put(s.traceId(), user);
                }
            }
            for (OtlpSpan s : all) {
                String user = traceUsers.get(s.traceId());
                if (user != null) {
                    users.put(s.traceId(), user);
                }
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (OtlpSpan s : all) {
            if (keep.contains(s.traceId() + s.spanId())) {
                convert(withUser(s, users.get(s.traceId())), out);
            }
        }
        return out;
    }

    /** The span with its trace's user when it carries none itself (often only the root span names the user). */
    private static OtlpSpan withUser(OtlpSpan s, @Nullable String user) {
        if (user == null || firstStr(s, "user.id", "enduser.id", "langfuse.user.id") != null) {
            return s;
        }
        Map<String, Object> attributes = new LinkedHashMap<>(s.attributes());
        attributes.put("user.id", user);
        return new OtlpSpan(s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.startNanos(),
                s.endNanos(), attributes, s.events(), s.statusCode(), s.statusMessage(), s.resource());
    }

    private static Kind kind(OtlpSpan s) {
        String op = str(s.attr("gen_ai.operation.name"));
        String oi = str(s.attr("openinference.span.kind"));
        String spring = str(s.attr("spring.ai.kind"));
        if (op != null && LLM_OPERATIONS.contains(op) || oi != null && OI_LLM_KINDS.contains(oi)) {
            return Kind.LLM;
        }
        if ("execute_tool".equals(op) || "TOOL".equals(oi) || "tool_call".equals(spring)) {
            return Kind.TOOL;
        }
        if ("retrieval".equals(op) || oi != null && OI_RETRIEVAL_KINDS.contains(oi) || "vector_store".equals(spring)) {
            return Kind.RETRIEVAL;
        }
        if (op != null || oi != null || spring != null) {
            return Kind.CHAIN;
        }
        if (s.attr("gen_ai.request.model") != null || s.attr("llm.model_name") != null) {
            return Kind.LLM; // older instrumentations without an operation name
        }
        if (s.attr("gen_ai.system") != null || s.attr("gen_ai.provider.name") != null) {
            return Kind.CHAIN;
        }
        return Kind.OTHER;
    }

    private void convert(OtlpSpan s, List<ObjectNode> out) {
        if (Boolean.TRUE.equals(s.attr("insidellm.carrier"))) {
            // Only carries span events whose own span had ended: they belong to the parent span.
            String parentStart = s.parentSpanId() == null ? null : id(s.traceId(), s.parentSpanId(), "start");
            String parentAnswer = s.parentSpanId() == null ? null : id(s.traceId(), s.parentSpanId(), "end");
            for (int i = 0; i < s.events().size(); i++) {
                pointEvent(s, s.events().get(i), i, parentStart, parentAnswer, out);
            }
            return;
        }
        Kind kind = kind(s);
        String start = id(s.traceId(), s.spanId(), "start");
        String parent = s.parentSpanId() == null ? null : id(s.traceId(), s.parentSpanId(), "start");
        boolean root = s.parentSpanId() == null;
        if (root) {
            // The trace's root is the run; a root that is itself a model or tool call is also that call.
            ObjectNode runStart = event(s, start, "run.start", s.startNanos(), null);
            payload(runStart).put("session_id", runId(s.traceId()))
                    .put("session_type", firstStr(s, "gen_ai.agent.name", "gen_ai.workflow.name") != null
                            ? firstStr(s, "gen_ai.agent.name", "gen_ai.workflow.name") : s.name());
            out.add(runStart);
            if (kind == Kind.LLM || kind == Kind.TOOL || kind == Kind.RETRIEVAL) {
                call(s, kind, id(s.traceId(), s.spanId(), "call"), null, out);
            } else {
                // Events on the run itself belong to no other event, as when the SDK records them directly.
                pointEvents(s, null, null, out);
            }
            ObjectNode runEnd = event(s, id(s.traceId(), s.spanId(), "end"), "run.end", s.endNanos(), null);
            String exit = firstStr(s, "insidellm.run.exit_reason");
            payload(runEnd).put("session_id", runId(s.traceId())).put("session_duration_ms", millis(s))
                    .put("exit_reason", exit != null ? exit : s.failed() ? "error" : "completed");
            out.add(runEnd);
            return;
        }
        call(s, kind, start, parent, out);
    }

    /** The two events of a span that is a call, a retrieval or a chain, plus its span events. */
    private void call(OtlpSpan s, Kind kind, String startId, @Nullable String parent, List<ObjectNode> out) {
        String endId = id(s.traceId(), s.spanId(), startId.equals(id(s.traceId(), s.spanId(), "call"))
                ? "call-end" : "end");
        boolean hasException = s.events().stream().anyMatch(e -> e.name().equals("exception"));
        switch (kind) {
            case LLM -> {
                ObjectNode request = event(s, startId, "llm.request", s.startNanos(), parent);
                ObjectNode response = event(s, endId, "llm.response", s.endNanos(), startId);
                llm(s, payload(request), payload(response));
                out.add(request);
                pointEvents(s, startId, endId, out);
                if (s.failed() && !hasException) {
                    out.add(failure(s, startId));
                }
                out.add(response);
            }
            case TOOL -> {
                ObjectNode call = event(s, startId, "tool.call", s.startNanos(), parent);
                String name = firstStr(s, "gen_ai.tool.name", "tool.name", "spring.ai.tool.definition.name");
                if (name == null) {
                    int space = s.name().indexOf(' ');
                    name = space > 0 && (s.name().startsWith("execute_tool ") || s.name().startsWith("tool_call "))
                            ? s.name().substring(space + 1) : s.name();
                }
                String type = firstStr(s, "gen_ai.tool.type");
                String callId = firstStr(s, "gen_ai.tool.call.id", "tool_call.id");
                payload(call).put("tool_name", name).put("tool_type", type == null ? "function" : type)
                        .set("parameters", object(firstAttr(s, "gen_ai.tool.call.arguments",
                                "spring.ai.tool.call.arguments", "tool.parameters", "input.value")));
                payload(call).put("call_id", callId);
                ObjectNode response = event(s, endId, "tool.response", s.endNanos(), startId);
                ObjectNode p = payload(response);
                p.put("tool_name", name).put("tool_type", type == null ? "function" : type).put("call_id", callId);
                p.set("response_data", json(firstAttr(s, "gen_ai.tool.call.result", "spring.ai.tool.call.result",
                        "output.value")));
                p.put("execution_time_ms", millis(s)).put("success", !s.failed());
                p.put("error_message", s.failed() ? (s.statusMessage() == null ? "failed" : s.statusMessage())
                        : null);
                out.add(call);
                pointEvents(s, startId, endId, out);
                out.add(response);
            }
            case RETRIEVAL -> {
                String query = firstStr(s, "gen_ai.retrieval.query.text", "input.value");
                ObjectNode startEvent = event(s, startId, "retrieval.start", s.startNanos(), parent);
                payload(startEvent).put("query", query == null ? "" : query)
                        .put("retriever_name", firstStr(s, "gen_ai.data_source.id") != null
                                ? firstStr(s, "gen_ai.data_source.id") : s.name());
                ObjectNode end = event(s, endId, "retrieval.end", s.endNanos(), startId);
                payload(end).put("query", query == null ? "" : query)
                        .set("documents", json(firstAttr(s, "gen_ai.retrieval.documents")));
                payload(end).put("retrieval_time_ms", millis(s));
                out.add(startEvent);
                pointEvents(s, startId, endId, out);
                out.add(end);
            }
            default -> {
                String name = firstStr(s, "gen_ai.agent.name", "gen_ai.workflow.name");
                if (name == null) {
                    name = s.name().startsWith("invoke_agent ") ? s.name().substring(13) : s.name();
                }
                ObjectNode chain = event(s, startId, "chain.start", s.startNanos(), parent);
                String type = firstStr(s, "gen_ai.operation.name", "openinference.span.kind", "spring.ai.kind");
                payload(chain).put("chain_name", name).put("chain_type", type == null ? "span" : type);
                ObjectNode end = event(s, endId, "chain.end", s.endNanos(), startId);
                payload(end).put("chain_name", name).put("execution_time_ms", millis(s))
                        .put("success", !s.failed())
                        .put("error_message", s.failed() ? s.statusMessage() : null);
                out.add(chain);
                pointEvents(s, startId, endId, out);
                if (s.failed() && !hasException) {
                    out.add(failure(s, startId));
                }
                out.add(end);
            }
        }
    }

    private void llm(OtlpSpan s, ObjectNode request, ObjectNode response) {
        String model = firstStr(s, "gen_ai.request.model", "llm.model_name", "gen_ai.response.model");
        String responseModel = firstStr(s, "gen_ai.response.model", "llm.model_name");
        String provider = firstStr(s, "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system");
        if (model == null) {
            model = "unknown";
        }
        provider = provider == null ? "unknown" : provider;
        String prompt = promptText(s);
        request.put("model_name", model).put("provider", provider).put("prompt", prompt == null ? "" : prompt);
        ObjectNode parameters = mapper.createObjectNode();
        for (String p : List.of("temperature", "top_p", "top_k", "max_tokens", "frequency_penalty",
                "presence_penalty", "seed", "stop_sequences", "stream", "choice.count")) {
            Object v = s.attr("gen_ai.request." + p);
            if (v != null) {
                parameters.set(p.equals("choice.count") ? "n" : p.equals("stop_sequences") ? "stop" : p, json(v));
            }
        }
        request.set("parameters", parameters.isEmpty() ? null : parameters);
        String system = textOfParts(parse(s.attr("gen_ai.system_instructions")));
        request.put("system_message", system);
        JsonNode messages = openAiMessages(parse(s.attr("gen_ai.input.messages")));
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
        Object messages = parse(s.attr("gen_ai.input.messages"));
        if (messages instanceof List<?> list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i) instanceof Map<?, ?> m && "user".equals(m.get("role"))) {
                    return textOfParts(m.get("parts"));
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
        Object messages = parse(s.attr("gen_ai.output.messages"));
        if (messages instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> m) {
            return textOfParts(m.get("parts"));
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
        ArrayNode out = mapper.createArrayNode();
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
                                .put("arguments", args instanceof String a ? a : json(args).toString());
                    } else if ("tool_call_response".equals(type)) {
                        msg.put("tool_call_id", str(part.get("id")));
                        Object result = part.get("result");
                        text.append(result instanceof String r ? r : json(result).toString());
                    }
                }
            }
            msg.put("content", text.toString());
        }
        return out;
    }

    // ------------------------------------------------------------------ span events

    /**
     * The InsideLLM events among a span's events; {@code parent} is the span's start event, {@code answer} the event
     * that feedback on the span targets (its response or end).
     */
    private void pointEvents(OtlpSpan s, @Nullable String parent, @Nullable String answer, List<ObjectNode> out) {
        for (int i = 0; i < s.events().size(); i++) {
            pointEvent(s, s.events().get(i), i, parent, answer, out);
        }
    }

    private void pointEvent(OtlpSpan s, OtlpSpan.Event e, int index, @Nullable String parent, @Nullable String answer,
            List<ObjectNode> out) {
        String id = id(s.traceId(), s.spanId(), "event-" + index);
        Map<String, Object> a = e.attributes();
        ObjectNode event;
        switch (e.name()) {
            case "insidellm.user.input", "gen_ai.user.message" -> {
                event = pointBase(s, id, "user.input", e, parent);
                String text = textOfMessages(parse(a.get("gen_ai.input.messages")));
                if (text == null) {
                    text = str(a.get("content"));
                }
                payload(event).put("input_text", text == null ? "" : text).put("input_type", "text")
                        .put("channel", str(a.get("insidellm.channel")));
            }
            case "gen_ai.evaluation.result" -> {
                // Feedback names its target; the answer of a model or tool call is that call's response.
                event = pointBase(s, id, "user.feedback", e, null);
                Object value = a.get("gen_ai.evaluation.score.value");
                Object label = a.get("gen_ai.evaluation.score.label");
                ObjectNode p = payload(event);
                String name = str(a.get("gen_ai.evaluation.name"));
                p.put("feedback_type", name == null ? "evaluation" : name);
                if ("true".equals(label) || "false".equals(label)) {
                    p.put("feedback_value", Boolean.parseBoolean((String) label));
                } else {
                    p.set("feedback_value", json(value != null ? value : label));
                }
                p.put("target_event_id", answer);
                p.put("feedback_text", str(a.get("gen_ai.evaluation.explanation")));
            }
            case "exception" -> {
                event = pointBase(s, id, "error", e, parent);
                String type = str(a.get("exception.type"));
                String message = str(a.get("exception.message"));
                payload(event).put("error_type", type == null ? "exception" : type)
                        .put("error_message", message == null ? "" : message)
                        .put("stack_trace", str(a.get("exception.stacktrace")));
            }
            case "insidellm.metric" -> {
                event = pointBase(s, id, "performance_metric", e, parent);
                ObjectNode p = payload(event);
                String name = str(a.get("insidellm.metric.name"));
                p.put("metric_name", name == null ? "metric" : name);
                // Span attributes hold metrics as doubles; a whole number is written as one, as SDKs send it.
                Object metric = a.get("insidellm.metric.value");
                if (metric instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                    metric = d.longValue();
                }
                p.set("metric_value", json(metric == null ? 0 : metric));
                p.put("metric_unit", str(a.get("insidellm.metric.unit")))
                        .put("metric_type", str(a.get("insidellm.metric.type")));
            }
            case "insidellm.agent.response" -> {
                event = pointBase(s, id, "agent.response", e, parent);
                String text = textOfMessages(parse(a.get("gen_ai.output.messages")));
                payload(event).put("response_text", text == null ? "" : text).put("response_type", "text");
            }
            case "insidellm.agent.reasoning" -> event = typedSteps(pointBase(s, id, "agent.reasoning", e, parent), a,
                    "reasoning_type", "insidellm.reasoning.type", "reasoning_steps");
            case "insidellm.agent.planning" -> event = typedSteps(pointBase(s, id, "agent.planning", e, parent), a,
                    "plan_type", "insidellm.plan.type", "planned_actions");
            case "insidellm.custom" -> {
                event = pointBase(s, id, "custom.event", e, parent);
                String name = str(a.get("insidellm.custom.name"));
                Object data = parse(a.get("insidellm.content"));
                payload(event).put("name", name == null ? "custom" : name)
                        .set("data", data instanceof Map<?, ?> ? json(data) : null);
            }
            default -> {
                return; // other span events (logs, annotations of other tools) are not InsideLLM events
            }
        }
        out.add(event);
    }

    /** An agent reasoning or planning event: its type, and its list (content) when it was captured. */
    private ObjectNode typedSteps(ObjectNode event, Map<String, Object> a, String typeField, String typeAttribute,
            String listField) {
        String type = str(a.get(typeAttribute));
        Object list = parse(a.get("insidellm.content"));
        payload(event).put(typeField, type == null ? "unknown" : type)
                .set(listField, list instanceof List<?> ? json(list) : mapper.createArrayNode());
        return event;
    }

    private ObjectNode pointBase(OtlpSpan s, String id, String type, OtlpSpan.Event e, @Nullable String parent) {
        return event(s, id, type, e.timeNanos(), parent);
    }

    private ObjectNode failure(OtlpSpan s, String parent) {
        ObjectNode error = event(s, id(s.traceId(), s.spanId(), "failure"), "error", s.endNanos(), parent);
        String type = firstStr(s, "error.type");
        payload(error).put("error_type", type == null ? "error" : type)
                .put("error_message", s.statusMessage() == null ? "failed" : s.statusMessage());
        return error;
    }

    // ------------------------------------------------------------------ helpers

    private ObjectNode event(OtlpSpan s, String eventId, String type, long nanos, @Nullable String parent) {
        ObjectNode e = mapper.createObjectNode();
        e.put("event_id", eventId);
        e.put("run_id", runId(s.traceId()));
        e.put("timestamp", iso(nanos));
        e.put("event_type", type);
        e.put("user_id", userId(s));
        if (parent != null) {
            e.put("parent_event_id", parent);
        }
        Object service = s.resource().get("service.name");
        if (service != null) {
            e.putObject("metadata").put("service.name", String.valueOf(service)).put("source", "otlp");
        }
        e.putObject("payload");
        return e;
    }

    /** The payload object every event made by {@link #event} has. */
    private static ObjectNode payload(ObjectNode event) {
        return (ObjectNode) event.get("payload");
    }

    private static String userId(OtlpSpan s) {
        String user = firstStr(s, "user.id", "enduser.id", "langfuse.user.id");
        if (user == null && s.resource().get("service.name") instanceof String service) {
            user = service;
        }
        return user == null || user.isBlank() ? "anonymous" : user;
    }

    static String runId(String traceId) {
        return traceId.substring(0, 8) + "-" + traceId.substring(8, 12) + "-" + traceId.substring(12, 16) + "-"
                + traceId.substring(16, 20) + "-" + traceId.substring(20);
    }

    /** A stable event id for one role of one span, so a request sent again is recognised as duplicates. */
    static String id(String traceId, @Nullable String spanId, String role) {
        return UUID.nameUUIDFromBytes((traceId + "/" + spanId + "/" + role).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static String iso(long nanos) {
        return ISO.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                Math.floorMod(nanos, 1_000_000_000L)));
    }

    private static long millis(OtlpSpan s) {
        return Math.max(0, (s.endNanos() - s.startNanos()) / 1_000_000L);
    }

    private static @Nullable String str(@Nullable Object v) {
        return v == null ? null : v instanceof String s ? s : String.valueOf(v);
    }

    private static @Nullable String firstStr(OtlpSpan s, String... keys) {
        Object v = firstAttr(s, keys);
        return v == null ? null : v instanceof List<?> l ? (l.isEmpty() ? null : String.valueOf(l.get(0)))
                : String.valueOf(v);
    }

    private static @Nullable Object firstAttr(OtlpSpan s, String... keys) {
        for (String k : keys) {
            Object v = s.attr(k);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static @Nullable Long firstLong(OtlpSpan s, String... keys) {
        for (String k : keys) {
            Object v = s.attr(k);
            if (v instanceof Number n) {
                return n.longValue();
            }
            if (v instanceof String str) {
                try {
                    return Long.parseLong(str.trim());
                } catch (NumberFormatException ignored) {
                    // try the next name
                }
            }
        }
        return null;
    }

    private static @Nullable Double firstDouble(OtlpSpan s, String... keys) {
        for (String k : keys) {
            if (s.attr(k) instanceof Number n) {
                return n.doubleValue();
            }
        }
        return null;
    }

    private static @Nullable String eventAttr(OtlpSpan s, String eventName, String key) {
        for (OtlpSpan.Event e : s.events()) {
            if (e.name().equals(eventName) && e.attributes().get(key) != null) {
                return String.valueOf(e.attributes().get(key));
            }
        }
        return null;
    }

    /** A JSON-string attribute parsed (content attributes are JSON text); other values as they are. */
    private @Nullable Object parse(@Nullable Object v) {
        if (v instanceof String text) {
            String t = text.trim();
            if (t.startsWith("[") || t.startsWith("{")) {
                try {
                    return mapper.readValue(t, Object.class);
                } catch (java.io.IOException e) {
                    return text;
                }
            }
        }
        return v;
    }

    private @Nullable String textOfParts(@Nullable Object parts) {
        if (!(parts instanceof List<?> list)) {
            return parts instanceof String s ? s : null;
        }
        StringBuilder text = new StringBuilder();
        for (Object p : list) {
            if (p instanceof Map<?, ?> part && "text".equals(part.get("type"))) {
                text.append(part.get("content"));
            }
        }
        return text.toString();
    }

    private @Nullable String textOfMessages(@Nullable Object messages) {
        if (messages instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> m) {
            return textOfParts(m.get("parts"));
        }
        return messages instanceof String s ? s : null;
    }

    private JsonNode json(@Nullable Object v) {
        return mapper.valueToTree(parse(v));
    }

    private JsonNode object(@Nullable Object v) {
        JsonNode n = json(v);
        return n.isObject() ? n : n.isNull() || n.isMissingNode() ? mapper.createObjectNode()
                : mapper.createObjectNode().set("value", n);
    }
}
