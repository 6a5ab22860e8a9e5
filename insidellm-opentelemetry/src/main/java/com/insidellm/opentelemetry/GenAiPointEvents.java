package com.insidellm.opentelemetry;

import static com.insidellm.opentelemetry.GenAiContent.textPart;
import static com.insidellm.opentelemetry.GenAiMapping.AGENT_PLANNING_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.AGENT_REASONING_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.AGENT_RESPONSE_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.CHANNEL;
import static com.insidellm.opentelemetry.GenAiMapping.CONFIDENCE;
import static com.insidellm.opentelemetry.GenAiMapping.CONTENT;
import static com.insidellm.opentelemetry.GenAiMapping.CUSTOM_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.CUSTOM_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.EVALUATION_EXPLANATION;
import static com.insidellm.opentelemetry.GenAiMapping.EVALUATION_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.EVALUATION_RESULT_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.EVALUATION_SCORE_LABEL;
import static com.insidellm.opentelemetry.GenAiMapping.EVALUATION_SCORE_VALUE;
import static com.insidellm.opentelemetry.GenAiMapping.EXCEPTION_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.EXCEPTION_MESSAGE;
import static com.insidellm.opentelemetry.GenAiMapping.EXCEPTION_STACKTRACE;
import static com.insidellm.opentelemetry.GenAiMapping.EXCEPTION_TYPE;
import static com.insidellm.opentelemetry.GenAiMapping.INPUT_MESSAGES;
import static com.insidellm.opentelemetry.GenAiMapping.METRIC_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.METRIC_NAME;
import static com.insidellm.opentelemetry.GenAiMapping.METRIC_TYPE;
import static com.insidellm.opentelemetry.GenAiMapping.METRIC_UNIT;
import static com.insidellm.opentelemetry.GenAiMapping.METRIC_VALUE;
import static com.insidellm.opentelemetry.GenAiMapping.OUTPUT_MESSAGES;
import static com.insidellm.opentelemetry.GenAiMapping.PLAN_TYPE;
import static com.insidellm.opentelemetry.GenAiMapping.REASONING_TYPE;
import static com.insidellm.opentelemetry.GenAiMapping.USER_INPUT_EVENT;
import static com.insidellm.opentelemetry.GenAiMapping.str;

import com.insidellm.Event;
import com.insidellm.EventType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The span event each single event becomes (user input, feedback, metric, agent response, reasoning, planning,
 * errors, custom events), with content only when it is captured. Immutable and thread-safe.
 */
final class GenAiPointEvents {

    private final GenAiContent content;

    GenAiPointEvents(GenAiContent content) {
        this.content = content;
    }

    /** A span event: its name and attributes. */
    record PointEvent(String name, Attributes attributes, boolean failure) {}

    /** The span event for a single event (user input, feedback, metric, error, ...). */
    PointEvent point(Event event) {
        Map<String, @Nullable Object> p = event.payload();
        AttributesBuilder a = Attributes.builder();
        return switch (event.type()) {
            case USER_INPUT -> {
                if (p.get("channel") instanceof String c) {
                    a.put(CHANNEL, c);
                }
                if (content.captured() && p.get("input_text") instanceof String text) {
                    a.put(INPUT_MESSAGES,
                            content.toJson(List.of(Map.of("role", "user", "parts", List.of(textPart(text))))));
                }
                yield new PointEvent(USER_INPUT_EVENT, a.build(), false);
            }
            case USER_FEEDBACK -> {
                a.put(EVALUATION_NAME, str(p, "feedback_type"));
                Object value = p.get("feedback_value");
                if (value instanceof Number n) {
                    a.put(EVALUATION_SCORE_VALUE, n.doubleValue());
                } else if (value instanceof Boolean b) {
                    a.put(EVALUATION_SCORE_VALUE, b ? 1.0 : 0.0);
                    a.put(EVALUATION_SCORE_LABEL, b.toString());
                } else if (value != null) {
                    a.put(EVALUATION_SCORE_LABEL, value.toString());
                }
                if (content.captured() && p.get("feedback_text") instanceof String text) {
                    a.put(EVALUATION_EXPLANATION, text);
                }
                yield new PointEvent(EVALUATION_RESULT_EVENT, a.build(), false);
            }
            case PERFORMANCE_METRIC -> {
                a.put(METRIC_NAME, str(p, "metric_name"));
                if (p.get("metric_value") instanceof Number n) {
                    a.put(METRIC_VALUE, n.doubleValue());
                }
                if (p.get("metric_unit") instanceof String u) {
                    a.put(METRIC_UNIT, u);
                }
                if (p.get("metric_type") instanceof String t) {
                    a.put(METRIC_TYPE, t);
                }
                yield new PointEvent(METRIC_EVENT, a.build(), false);
            }
            case AGENT_RESPONSE -> {
                if (content.captured() && p.get("response_text") instanceof String text) {
                    a.put(OUTPUT_MESSAGES, content.toJson(List.of(Map.of("role", "assistant", "parts",
                            List.of(textPart(text)), "finish_reason", "stop"))));
                }
                yield new PointEvent(AGENT_RESPONSE_EVENT, a.build(), false);
            }
            case AGENT_REASONING -> {
                a.put(REASONING_TYPE, str(p, "reasoning_type"));
                if (p.get("confidence_score") instanceof Number n) {
                    a.put(CONFIDENCE, n.doubleValue());
                }
                if (content.captured() && p.get("reasoning_steps") != null) {
                    a.put(CONTENT, content.toJson(p.get("reasoning_steps")));
                }
                yield new PointEvent(AGENT_REASONING_EVENT, a.build(), false);
            }
            case AGENT_PLANNING -> {
                a.put(PLAN_TYPE, str(p, "plan_type"));
                if (p.get("plan_confidence") instanceof Number n) {
                    a.put(CONFIDENCE, n.doubleValue());
                }
                if (content.captured() && p.get("planned_actions") != null) {
                    a.put(CONTENT, content.toJson(p.get("planned_actions")));
                }
                yield new PointEvent(AGENT_PLANNING_EVENT, a.build(), false);
            }
            case ERROR, VALIDATION_ERROR, TIMEOUT_ERROR -> {
                String type = event.type() == EventType.ERROR ? str(p, "error_type") : event.type().wireValue();
                a.put(EXCEPTION_TYPE, type);
                Object message = event.type() == EventType.ERROR ? p.get("error_message")
                        : event.type() == EventType.TIMEOUT_ERROR ? "timed out after " + p.get("timeout_duration_ms")
                                + " ms" : "validation of " + p.get("validation_target") + " failed";
                if (message != null) {
                    a.put(EXCEPTION_MESSAGE, message.toString());
                }
                if (p.get("stack_trace") instanceof String trace) {
                    a.put(EXCEPTION_STACKTRACE, trace);
                }
                yield new PointEvent(EXCEPTION_EVENT, a.build(), true);
            }
            default -> {
                if (p.get("name") instanceof String name) {
                    a.put(CUSTOM_NAME, name);
                }
                if (content.captured() && p.get("data") != null) {
                    a.put(CONTENT, content.toJson(p.get("data")));
                }
                yield new PointEvent(event.type() == EventType.CUSTOM_EVENT ? CUSTOM_EVENT
                        : "insidellm." + event.type().wireValue(), a.build(), false);
            }
        };
    }
}
