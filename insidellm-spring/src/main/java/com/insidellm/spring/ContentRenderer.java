package com.insidellm.spring;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Turns arguments and return values into JSON-safe payload values: scalars as they are, collections, arrays, maps and
 * records recursively (bounded in depth and size), anything else as its {@code toString()}. Bean getters are never
 * called: an application object (a JPA entity, a proxy) must not be serialised by reflection behind its back.
 * Thread-safe (stateless).
 */
final class ContentRenderer {

    static final int MAX_DEPTH = 6;
    static final int MAX_ELEMENTS = 1_000;

    private ContentRenderer() {
    }

    static @Nullable Object render(@Nullable Object value) {
        return render(value, 0);
    }

    /** The value as text: strings as they are, a list of strings (a streamed answer) concatenated, else rendered. */
    static String text(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof Collection<?> parts && !parts.isEmpty()
                && parts.stream().allMatch(CharSequence.class::isInstance)) {
            StringBuilder sb = new StringBuilder();
            parts.forEach(sb::append);
            return sb.toString();
        }
        Object rendered = render(value);
        return rendered instanceof String text ? text : String.valueOf(rendered);
    }

    /** {@code toString()}, or the class name when it throws: an application's {@code toString} is not ours to trust. */
    private static String safeToString(Object value) {
        try {
            return String.valueOf(value);
        } catch (RuntimeException e) {
            return value.getClass().getName();
        }
    }

    private static @Nullable Object render(@Nullable Object value, int depth) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof Character || value instanceof Enum<?>
                || value instanceof UUID || value instanceof TemporalAccessor || value instanceof java.time.Duration) {
            return safeToString(value);
        }
        if (value instanceof Optional<?> optional) {
            return render(optional.orElse(null), depth);
        }
        if (depth >= MAX_DEPTH) {
            return safeToString(value);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (out.size() == MAX_ELEMENTS) {
                    break;
                }
                Object key = entry.getKey();
                out.put(key == null ? "null" : safeToString(key), render(entry.getValue(), depth + 1));
            }
            return out;
        }
        if (value instanceof Iterable<?> iterable) {
            return list(iterable.iterator(), depth);
        }
        if (value.getClass().isArray()) {
            int length = Math.min(Array.getLength(value), MAX_ELEMENTS);
            List<@Nullable Object> out = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                out.add(render(Array.get(value, i), depth + 1));
            }
            return out;
        }
        if (value instanceof Record) {
            return record(value, depth);
        }
        return safeToString(value);
    }

    private static List<@Nullable Object> list(Iterator<?> it, int depth) {
        List<@Nullable Object> out = new ArrayList<>();
        while (it.hasNext() && out.size() < MAX_ELEMENTS) {
            out.add(render(it.next(), depth + 1));
        }
        return out;
    }

    private static Object record(Object value, int depth) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        try {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                java.lang.reflect.Method accessor = component.getAccessor();
                accessor.trySetAccessible();
                out.put(component.getName(), render(accessor.invoke(value), depth + 1));
            }
            return out;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // An inaccessible record or an accessor that throws: fall back to its text.
            return safeToString(value);
        }
    }
}
