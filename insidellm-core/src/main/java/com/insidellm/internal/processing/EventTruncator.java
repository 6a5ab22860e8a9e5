package com.insidellm.internal.processing;

import com.insidellm.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Shrinks an event whose JSON is over the per-event limit by truncating its longest payload strings, each to the
 * same length, with a visible marker ({@code ...[truncated 12345 chars]}). The lengths are chosen on the strings'
 * JSON-encoded sizes, so one pass normally fits; the caller re-serialises and drops the event if it still does not.
 * Stateless.
 */
public final class EventTruncator {

    /** Room left per truncated string for the marker. */
    private static final int MARKER_ROOM = 40;
    /** Extra bytes removed beyond the excess, for the estimate's error. */
    private static final int SLACK = 256;

    private EventTruncator() {
    }

    /**
     * Returns a copy of {@code event} with its longest strings cut so that about {@code actualBytes - maxBytes} bytes
     * go, or {@code null} when cutting strings cannot save enough.
     */
    public static @Nullable Event truncate(Event event, int actualBytes, int maxBytes) {
        long excess = (long) actualBytes - maxBytes + SLACK;
        List<Integer> sizes = new ArrayList<>();
        StringWalker.map(event.payload(), s -> {
            sizes.add(jsonSize(s));
            return s;
        });
        if (sizes.isEmpty()) {
            return null;
        }
        Collections.sort(sizes);
        // Find the largest cap such that cutting every string above it saves the excess (water-filling).
        long low = 0;
        long high = sizes.get(sizes.size() - 1);
        if (saved(sizes, 0) < excess) {
            return null;
        }
        while (low < high) {
            long mid = (low + high + 1) >>> 1;
            if (saved(sizes, mid) >= excess) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        long cap = low;
        Object payload = StringWalker.map(event.payload(), s -> jsonSize(s) > cap + MARKER_ROOM ? cut(s, cap) : s);
        @SuppressWarnings("unchecked")
        Map<String, ?> truncated = (Map<String, ?>) payload;
        return event.toBuilder().payload(truncated).build();
    }

    /** Bytes saved by cutting every string longer than {@code cap} plus a marker to {@code cap} and a marker. */
    private static long saved(List<Integer> sizes, long cap) {
        long saved = 0;
        for (int i = sizes.size() - 1; i >= 0 && sizes.get(i) > cap + MARKER_ROOM; i--) {
            saved += sizes.get(i) - cap - MARKER_ROOM;
        }
        return saved;
    }

    /** Cuts {@code text} to at most {@code capBytes} of JSON, never inside a surrogate pair, and marks the cut. */
    private static String cut(String text, long capBytes) {
        long size = 0;
        int end = 0;
        while (end < text.length()) {
            int next = jsonSize(text.charAt(end), end + 1 < text.length() ? text.charAt(end + 1) : 0);
            if (size + next > capBytes) {
                break;
            }
            size += next;
            end += Character.isHighSurrogate(text.charAt(end)) && end + 1 < text.length() ? 2 : 1;
        }
        return text.substring(0, end) + "...[truncated " + (text.length() - end) + " chars]";
    }

    static int jsonSize(String text) {
        int size = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int n = jsonSize(c, i + 1 < text.length() ? text.charAt(i + 1) : 0);
            size += n;
            if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                i++;
            }
        }
        return size;
    }

    /** The JSON-encoded UTF-8 size of the character at hand (a surrogate pair counts once, as 4 bytes). */
    private static int jsonSize(char c, char next) {
        if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
            return 2;
        }
        if (c < 0x20) {
            return 6;
        }
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
            return 4;
        }
        return 3;
    }
}
