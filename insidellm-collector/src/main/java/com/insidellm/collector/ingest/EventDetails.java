package com.insidellm.collector.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.collector.store.StoredEvent.Details;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the {@link Details} of a validated event. Internal; stateless. */
final class EventDetails {

    /** Most tags kept per event, and their longest length; a store indexes each. */
    static final int MAX_TAGS = 32;
    static final int MAX_TAG_LENGTH = 200;

    /** Feedback words read as a positive (1) or negative (0) score. */
    private static final Set<String> POSITIVE = Set.of("thumbs_up", "thumbsup", "up", "positive", "good", "like",
            "liked", "yes", "helpful", "correct", "accept", "accepted", "👍");
    private static final Set<String> NEGATIVE = Set.of("thumbs_down", "thumbsdown", "down", "negative", "bad",
            "dislike", "disliked", "no", "unhelpful", "incorrect", "wrong", "reject", "rejected", "👎");

    private EventDetails() {}

    static Details of(String type, JsonNode payload, @Nullable JsonNode metadata) {
        JsonNode meta = metadata != null && metadata.isObject() ? metadata : null;
        String callType = scalarText(payload.get("call_type"));
        if (callType == null && meta != null) {
            callType = scalarText(meta.get("call_type"));
        }
        String traceId = meta == null ? null : scalarText(meta.get("trace_id"));
        Set<String> tags = new LinkedHashSet<>();
        if (meta != null) {
            addTags(tags, meta.get("tags"));
        }
        addTags(tags, payload.get("tags"));
        String name = switch (type) {
            case "tool.call", "tool.response" -> scalarText(payload.get("tool_name"));
            case "function_execution" -> scalarText(payload.get("function_name"));
            case "chain.start", "chain.end" -> scalarText(payload.get("chain_name"));
            case "user.feedback" -> scalarText(payload.get("feedback_type"));
            case "custom.event" -> scalarText(payload.get("name"));
            default -> null;
        };
        String runName = meta == null ? null : scalarText(meta.get("run_name"));
        String input = type.equals("user.input") ? scalarText(payload.get("input_text")) : null;
        if (input != null && input.length() > Details.MAX_INPUT_TEXT) {
            input = input.substring(0, Details.MAX_INPUT_TEXT);
        }
        Double score = type.equals("user.feedback") ? score(payload.get("feedback_value")) : null;
        Double ttft = null;
        if (type.equals("llm.response")) {
            JsonNode t = payload.get("time_to_first_token_ms");
            ttft = t != null && t.isNumber() ? t.asDouble() : null;
        }
        return new Details(callType == null ? null : callType.toLowerCase(Locale.ROOT), traceId, new ArrayList<>(tags),
                name, runName, input, score, ttft);
    }

    private static void addTags(Set<String> tags, @Nullable JsonNode v) {
        if (v == null) {
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(items::add);
        } else {
            items.add(v);
        }
        for (JsonNode item : items) {
            String tag = scalarText(item);
            if (tag != null && !tag.isBlank() && tags.size() < MAX_TAGS) {
                tags.add(tag.length() > MAX_TAG_LENGTH ? tag.substring(0, MAX_TAG_LENGTH) : tag);
            }
        }
    }

    /** A feedback value as a number, or null; see {@link Details#score()}. */
    static @Nullable Double score(@Nullable JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            return Double.isFinite(d) ? d : null;
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? 1.0 : 0.0;
        }
        if (!v.isTextual()) {
            return null;
        }
        String s = v.asText().trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        if (POSITIVE.contains(s) || s.equals("true")) {
            return 1.0;
        }
        if (NEGATIVE.contains(s) || s.equals("false")) {
            return 0.0;
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A string, or a number or boolean as text; null for anything else. */
    private static @Nullable String scalarText(@Nullable JsonNode v) {
        if (v == null || !(v.isTextual() || v.isNumber() || v.isBoolean())) {
            return null;
        }
        return v.asText();
    }
}
