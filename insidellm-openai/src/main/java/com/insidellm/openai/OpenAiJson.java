package com.insidellm.openai;

import com.fasterxml.jackson.core.type.TypeReference;
import com.openai.core.ObjectMappers;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns OpenAI SDK model objects into their wire JSON as plain maps, with the SDK's own object mapper: the exact
 * request and response shapes the OpenAI API documents, so that what is recorded is what was sent.
 */
final class OpenAiJson {

    private static final TypeReference<Map<String, @Nullable Object>> MAP = new TypeReference<>() { };
    private static final int MAX_CACHED = 1024;
    /** Tool definitions by value: applications pass the same tools on every call; converted once, shared. */
    private static final Map<Object, Map<String, @Nullable Object>> CACHE = new ConcurrentHashMap<>();

    private OpenAiJson() {
    }

    /** The wire form of an SDK object (a message, a tool call, an output item), as a fresh map. */
    static Map<String, @Nullable Object> map(Object model) {
        Map<String, @Nullable Object> map = ObjectMappers.jsonMapper().convertValue(model, MAP);
        return map == null ? new LinkedHashMap<>() : map;
    }

    /** The wire form of any SDK value: a map, a list, a string or number. */
    static @Nullable Object value(@Nullable Object model) {
        return model == null ? null : ObjectMappers.jsonMapper().convertValue(model, Object.class);
    }

    /** Like {@link #map(Object)}, cached by value and unmodifiable: for tool definitions. */
    static Map<String, @Nullable Object> cached(Object model) {
        Map<String, @Nullable Object> map = CACHE.get(model);
        if (map == null) {
            map = Collections.unmodifiableMap(map(model));
            if (CACHE.size() >= MAX_CACHED) {
                CACHE.clear();
            }
            CACHE.put(model, map);
        }
        return map;
    }

    /** The text parts of an OpenAI content value (a string, or a list of {@code {"type":"text","text":...}}). */
    static @Nullable String text(@Nullable Object content) {
        if (content == null || content instanceof String) {
            return (String) content;
        }
        if (content instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof Map<?, ?> map && map.get("text") instanceof String text) {
                    if (sb.length() > 0) {
                        sb.append('\n');
                    }
                    sb.append(text);
                }
            }
            return sb.toString();
        }
        return null;
    }
}
