package com.insidellm.collector.otlp;

import static com.insidellm.collector.otlp.SpanAttributes.firstStr;
import static com.insidellm.collector.otlp.SpanAttributes.str;
import static com.insidellm.collector.otlp.WireEvents.id;
import static com.insidellm.collector.otlp.WireEvents.payload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The InsideLLM events among a span's events (user input, evaluation results as feedback, exceptions, metrics, agent
 * responses, reasoning, planning, custom events) and the error event of a failed span. Thread-safe.
 */
final class SpanPointEvents {

    private final WireEvents wire;

    SpanPointEvents(WireEvents wire) {
        this.wire = wire;
    }

    /**
     * The InsideLLM events among a span's events; {@code parent} is the span's start event, {@code answer} the event
     * that feedback on the span targets (its response or end).
     */
    void pointEvents(OtlpSpan s, @Nullable String parent, @Nullable String answer, List<ObjectNode> out) {
        for (int i = 0; i < s.events().size(); i++) {
            pointEvent(s, s.events().get(i), i, parent, answer, out);
        }
    }

    /** One span event, when it is an InsideLLM event; {@code index} makes its id. */
    void pointEvent(OtlpSpan s, OtlpSpan.Event e, int index, @Nullable String parent, @Nullable String answer,
            List<ObjectNode> out) {
        String id = id(s.traceId(), s.spanId(), "event-" + index);
        Map<String, Object> a = e.attributes();
        ObjectNode event;
        switch (e.name()) {
            case "insidellm.user.input", "gen_ai.user.message" -> {
                event = pointBase(s, id, "user.input", e, parent);
                String text = wire.textOfMessages(wire.parse(a.get("gen_ai.input.messages")));
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
                    p.set("feedback_value", wire.json(value != null ? value : label));
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
                p.set("metric_value", wire.json(metric == null ? 0 : metric));
                p.put("metric_unit", str(a.get("insidellm.metric.unit")))
                        .put("metric_type", str(a.get("insidellm.metric.type")));
            }
            case "insidellm.agent.response" -> {
                event = pointBase(s, id, "agent.response", e, parent);
                String text = wire.textOfMessages(wire.parse(a.get("gen_ai.output.messages")));
                payload(event).put("response_text", text == null ? "" : text).put("response_type", "text");
            }
            case "insidellm.agent.reasoning" -> event = typedSteps(pointBase(s, id, "agent.reasoning", e, parent), a,
                    "reasoning_type", "insidellm.reasoning.type", "reasoning_steps");
            case "insidellm.agent.planning" -> event = typedSteps(pointBase(s, id, "agent.planning", e, parent), a,
                    "plan_type", "insidellm.plan.type", "planned_actions");
            case "insidellm.custom" -> {
                event = pointBase(s, id, "custom.event", e, parent);
                String name = str(a.get("insidellm.custom.name"));
                Object data = wire.parse(a.get("insidellm.content"));
                payload(event).put("name", name == null ? "custom" : name)
                        .set("data", data instanceof Map<?, ?> ? wire.json(data) : null);
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
        Object list = wire.parse(a.get("insidellm.content"));
        payload(event).put(typeField, type == null ? "unknown" : type)
                .set(listField, list instanceof List<?> ? wire.json(list) : wire.arrayNode());
        return event;
    }

    private ObjectNode pointBase(OtlpSpan s, String id, String type, OtlpSpan.Event e, @Nullable String parent) {
        return wire.event(s, id, type, e.timeNanos(), parent);
    }

    /** The error event of a failed span that recorded no exception event. */
    ObjectNode failure(OtlpSpan s, String parent) {
        ObjectNode error = wire.event(s, id(s.traceId(), s.spanId(), "failure"), "error", s.endNanos(), parent);
        String type = firstStr(s, "error.type");
        payload(error).put("error_type", type == null ? "error" : type)
                .put("error_message", s.statusMessage() == null ? "failed" : s.statusMessage());
        return error;
    }
}
