package com.insidellm.internal.processing;

import com.insidellm.internal.WireJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Applies a function to every string inside a payload value: nested maps (values, not keys), lists, arrays, and
 * application objects (seen through the wire mapper as maps and lists, as they would be serialised). Returns the same
 * instance when nothing changed, so unchanged events are not copied. Stateless.
 */
public final class StringWalker {

    private StringWalker() {
    }

    public static @Nullable Object map(@Nullable Object value, UnaryOperator<String> function) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof String text) {
            return function.apply(text);
        }
        if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>) {
            return function.apply(value.toString());
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, @Nullable Object> copy = null;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object mapped = map(entry.getValue(), function);
                if (copy == null && mapped != entry.getValue()) {
                    copy = new LinkedHashMap<>(map);
                }
                if (copy != null) {
                    copy.put(entry.getKey(), mapped);
                }
            }
            return copy == null ? value : copy;
        }
        if (value instanceof Collection<?> collection) {
            List<@Nullable Object> copy = new ArrayList<>(collection.size());
            boolean changed = false;
            for (Object item : collection) {
                Object mapped = map(item, function);
                changed |= mapped != item;
                copy.add(mapped);
            }
            return changed ? copy : value;
        }
        if (value instanceof java.util.Optional<?> optional) {
            return map(optional.orElse(null), function);
        }
        if (value instanceof java.time.temporal.TemporalAccessor || value instanceof java.util.UUID
                || value instanceof java.time.Duration) {
            return value;
        }
        // Arrays and application objects: look at them as the serialiser would, so nothing escapes the walk.
        Object tree = WireJson.mapper().convertValue(value, Object.class);
        Object mapped = map(tree, function);
        return mapped == tree ? value : mapped;
    }
}
