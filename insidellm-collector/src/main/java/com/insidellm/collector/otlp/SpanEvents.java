package com.insidellm.collector.otlp;

import static com.insidellm.collector.otlp.SpanAttributes.firstAttr;
import static com.insidellm.collector.otlp.SpanAttributes.firstStr;
import static com.insidellm.collector.otlp.WireEvents.id;
import static com.insidellm.collector.otlp.WireEvents.millis;
import static com.insidellm.collector.otlp.WireEvents.payload;
import static com.insidellm.collector.otlp.WireEvents.runId;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.PriceTable;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The wire events of one span: a trace's root span is the run ({@code run.start}/{@code run.end}), a model call span
 * {@code llm.request} + {@code llm.response}, a tool span {@code tool.call} + {@code tool.response}, a retrieval span
 * {@code retrieval.start}/{@code end}, an agent or framework span {@code chain.start}/{@code end}; span events become
 * the single events between them. Thread-safe.
 */
final class SpanEvents {

    private final WireEvents wire;
    private final SpanPointEvents points;
    private final LlmCallEvents llm;

    SpanEvents(PriceTable prices, ObjectMapper mapper) {
        this.wire = new WireEvents(mapper);
        this.points = new SpanPointEvents(wire);
        this.llm = new LlmCallEvents(wire, prices);
    }

    /** Appends the events of one kept span to {@code out}. */
    void convert(OtlpSpan s, List<ObjectNode> out) {
        if (Boolean.TRUE.equals(s.attr("insidellm.carrier"))) {
            // Only carries span events whose own span had ended: they belong to the parent span.
            String parentStart = s.parentSpanId() == null ? null : id(s.traceId(), s.parentSpanId(), "start");
            String parentAnswer = s.parentSpanId() == null ? null : id(s.traceId(), s.parentSpanId(), "end");
            for (int i = 0; i < s.events().size(); i++) {
                points.pointEvent(s, s.events().get(i), i, parentStart, parentAnswer, out);
            }
            return;
        }
        GenAiKind kind = GenAiKind.of(s);
        String start = id(s.traceId(), s.spanId(), "start");
        String parent = s.parentSpanId() == null ? null : id(s.traceId(), s.parentSpanId(), "start");
        boolean root = s.parentSpanId() == null;
        if (root) {
            // The trace's root is the run; a root that is itself a model or tool call is also that call.
            ObjectNode runStart = wire.event(s, start, "run.start", s.startNanos(), null);
            payload(runStart).put("session_id", runId(s.traceId()))
                    .put("session_type", firstStr(s, "gen_ai.agent.name", "gen_ai.workflow.name") != null
                            ? firstStr(s, "gen_ai.agent.name", "gen_ai.workflow.name") : s.name());
            out.add(runStart);
            if (kind == GenAiKind.LLM || kind == GenAiKind.TOOL || kind == GenAiKind.RETRIEVAL) {
                call(s, kind, id(s.traceId(), s.spanId(), "call"), null, out);
            } else {
                // Events on the run itself belong to no other event, as when the SDK records them directly.
                points.pointEvents(s, null, null, out);
            }
            ObjectNode runEnd = wire.event(s, id(s.traceId(), s.spanId(), "end"), "run.end", s.endNanos(), null);
            String exit = firstStr(s, "insidellm.run.exit_reason");
            payload(runEnd).put("session_id", runId(s.traceId())).put("session_duration_ms", millis(s))
                    .put("exit_reason", exit != null ? exit : s.failed() ? "error" : "completed");
            out.add(runEnd);
            return;
        }
        call(s, kind, start, parent, out);
    }

    /** The two events of a span that is a call, a retrieval or a chain, plus its span events. */
    private void call(OtlpSpan s, GenAiKind kind, String startId, @Nullable String parent, List<ObjectNode> out) {
        String endId = id(s.traceId(), s.spanId(), startId.equals(id(s.traceId(), s.spanId(), "call"))
                ? "call-end" : "end");
        boolean hasException = s.events().stream().anyMatch(e -> e.name().equals("exception"));
        switch (kind) {
            case LLM -> {
                ObjectNode request = wire.event(s, startId, "llm.request", s.startNanos(), parent);
                ObjectNode response = wire.event(s, endId, "llm.response", s.endNanos(), startId);
                llm.fill(s, payload(request), payload(response));
                out.add(request);
                points.pointEvents(s, startId, endId, out);
                if (s.failed() && !hasException) {
                    out.add(points.failure(s, startId));
                }
                out.add(response);
            }
            case TOOL -> {
                ObjectNode call = wire.event(s, startId, "tool.call", s.startNanos(), parent);
                String name = firstStr(s, "gen_ai.tool.name", "tool.name", "spring.ai.tool.definition.name");
                if (name == null) {
                    int space = s.name().indexOf(' ');
                    name = space > 0 && (s.name().startsWith("execute_tool ") || s.name().startsWith("tool_call "))
                            ? s.name().substring(space + 1) : s.name();
                }
                String type = firstStr(s, "gen_ai.tool.type");
                String callId = firstStr(s, "gen_ai.tool.call.id", "tool_call.id");
                payload(call).put("tool_name", name).put("tool_type", type == null ? "function" : type)
                        .set("parameters", wire.object(firstAttr(s, "gen_ai.tool.call.arguments",
                                "spring.ai.tool.call.arguments", "tool.parameters", "input.value")));
                payload(call).put("call_id", callId);
                ObjectNode response = wire.event(s, endId, "tool.response", s.endNanos(), startId);
                ObjectNode p = payload(response);
                p.put("tool_name", name).put("tool_type", type == null ? "function" : type).put("call_id", callId);
                p.set("response_data", wire.json(firstAttr(s, "gen_ai.tool.call.result", "spring.ai.tool.call.result",
                        "output.value")));
                p.put("execution_time_ms", millis(s)).put("success", !s.failed());
                p.put("error_message", s.failed() ? (s.statusMessage() == null ? "failed" : s.statusMessage())
                        : null);
                out.add(call);
                points.pointEvents(s, startId, endId, out);
                out.add(response);
            }
            case RETRIEVAL -> {
                String query = firstStr(s, "gen_ai.retrieval.query.text", "input.value");
                ObjectNode startEvent = wire.event(s, startId, "retrieval.start", s.startNanos(), parent);
                payload(startEvent).put("query", query == null ? "" : query)
                        .put("retriever_name", firstStr(s, "gen_ai.data_source.id") != null
                                ? firstStr(s, "gen_ai.data_source.id") : s.name());
                ObjectNode end = wire.event(s, endId, "retrieval.end", s.endNanos(), startId);
                payload(end).put("query", query == null ? "" : query)
                        .set("documents", wire.json(firstAttr(s, "gen_ai.retrieval.documents")));
                payload(end).put("retrieval_time_ms", millis(s));
                out.add(startEvent);
                points.pointEvents(s, startId, endId, out);
                out.add(end);
            }
            default -> {
                String name = firstStr(s, "gen_ai.agent.name", "gen_ai.workflow.name");
                if (name == null) {
                    name = s.name().startsWith("invoke_agent ") ? s.name().substring(13) : s.name();
                }
                ObjectNode chain = wire.event(s, startId, "chain.start", s.startNanos(), parent);
                String type = firstStr(s, "gen_ai.operation.name", "openinference.span.kind", "spring.ai.kind");
                payload(chain).put("chain_name", name).put("chain_type", type == null ? "span" : type);
                ObjectNode end = wire.event(s, endId, "chain.end", s.endNanos(), startId);
                payload(end).put("chain_name", name).put("execution_time_ms", millis(s))
                        .put("success", !s.failed())
                        .put("error_message", s.failed() ? s.statusMessage() : null);
                out.add(chain);
                points.pointEvents(s, startId, endId, out);
                if (s.failed() && !hasException) {
                    out.add(points.failure(s, startId));
                }
                out.add(end);
            }
        }
    }
}
