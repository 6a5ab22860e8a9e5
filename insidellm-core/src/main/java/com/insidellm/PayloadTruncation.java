package com.insidellm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Shrinks a payload whose JSON is over the per-event limit by cutting its longest strings, each cut marked so that
 * a reader of the event sees it was shortened. Used only on the flusher thread; stateless.
 */
final class PayloadTruncation {

    /** Appended where a string was cut; the number is how many characters were removed. */
    static final String MARKER = "…[truncated %d chars]";
    private static final int MAX_DEPTH = 8;
    /** Strings shorter than this are never cut: they are not what makes an event huge. */
    private static final int MIN_CUT = 64;

    private PayloadTruncation() {
    }

    /**
     * Returns a copy of {@code payload} with the longest strings cut until about {@code excessBytes} of JSON are
     * gone, or {@code null} if there is no string long enough to cut.
     */
    static @Nullable Map<String, @Nullable Object> shrink(Map<String, @Nullable Object> payload, long excessBytes) {
        Map<String, @Nullable Object> copy = copyMap(payload, 0);
        long remaining = excessBytes;
        while (remaining > 0) {
            Slot longest = longest(copy, null, 0);
            if (longest == null || longest.length < MIN_CUT) {
                return null;
            }
            String value = longest.value();
            // JSON may need up to 6 bytes per char (escapes); cut by the excess measured in bytes, which is
            // conservative for ASCII and refined by the caller re-serialising.
            int keep = (int) Math.max(0, value.length() - remaining - MARKER.length() - 16);
            if (keep > 0 && Character.isHighSurrogate(value.charAt(keep - 1))) {
                keep--;
            }
            String cut = value.substring(0, keep) + String.format(java.util.Locale.ROOT, MARKER,
                    value.length() - keep);
            longest.set(cut);
            remaining -= (long) value.length() - cut.length();
        }
        return copy;
    }

    private static Map<String, @Nullable Object> copyMap(Map<?, ?> map, int depth) {
        Map<String, @Nullable Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            copy.put(String.valueOf(e.getKey()), copyValue(e.getValue(), depth + 1));
        }
        return copy;
    }

    private static @Nullable Object copyValue(@Nullable Object value, int depth) {
        if (depth > MAX_DEPTH) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return copyMap(map, depth);
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> copy = new ArrayList<>(list.size());
            for (Object o : list) {
                copy.add(copyValue(o, depth + 1));
            }
            return copy;
        }
        return value;
    }

    /** A string found in a (copied, mutable) map or list, and how to replace it. */
    private record Slot(@Nullable Map<String, @Nullable Object> map, @Nullable String key,
            @Nullable List<@Nullable Object> list, int index, int length) {

        String value() {
            return (String) (map != null ? map.get(key) : list.get(index));
        }

        void set(String value) {
            if (map != null) {
                map.put(key, value);
            } else {
                list.set(index, value);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Slot longest(@Nullable Object container, @Nullable Slot best, int depth) {
        if (depth > MAX_DEPTH) {
            return best;
        }
        if (container instanceof Map<?, ?> raw) {
            Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) raw;
            for (Map.Entry<String, @Nullable Object> e : map.entrySet()) {
                if (e.getValue() instanceof String s) {
                    if (best == null || s.length() > best.length) {
                        best = new Slot(map, e.getKey(), null, -1, s.length());
                    }
                } else {
                    best = longest(e.getValue(), best, depth + 1);
                }
            }
        } else if (container instanceof List<?> raw) {
            List<@Nullable Object> list = (List<@Nullable Object>) raw;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String s) {
                    if (best == null || s.length() > best.length) {
                        best = new Slot(null, null, list, i, s.length());
                    }
                } else {
                    best = longest(list.get(i), best, depth + 1);
                }
            }
        }
        return best;
    }
}
