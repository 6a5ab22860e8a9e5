package com.insidellm.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.insidellm.ExportResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the per-event verdicts in a 2xx answer to an ingest request. Internal: not part of the public API.
 *
 * <p>The wire protocol says a 2xx body carries nothing the client needs, and the documented backend answers
 * {@code 202} with a body of its own; our collector answers {@code {"accepted": n, "rejected": [{"index": i,
 * "event_id": "...", "reason": "..."}]}}. When the body is a JSON object with a {@code rejected} list, each entry is
 * matched to an event of the batch (by {@code index} when its {@code event_id} agrees or is absent, else by
 * {@code event_id}); anything else in the body, and entries that match no event, are ignored, as the Python SDK
 * ignores the body. Thread-safe (stateless).
 */
public final class IngestAnswer {

    /** Longest reason kept: a server's message is for a log line and {@code lastError()}, not a document. */
    public static final int MAX_REASON = 300;
    /** The key of the per-event verdicts, as bytes. */
    private static final byte[] REJECTED = {'r', 'e', 'j', 'e', 'c', 't', 'e', 'd'};

    private IngestAnswer() {
    }

    /**
     * The events of the batch the answer refuses, in the batch's order, each at most once.
     *
     * @param body the answer's body (may be empty or not JSON)
     * @param eventIds the ids of the batch's events, in order
     */
    public static List<ExportResult.Rejection> rejected(byte[] body, List<String> eventIds) {
        if (body.length == 0 || body[0] != '{' && !startsWithObject(body) || !mayNameRejected(body)) {
            return List.of();
        }
        List<Entry> entries;
        try (JsonParser parser = WireJson.mapper().getFactory().createParser(body)) {
            entries = read(parser);
        } catch (IOException | RuntimeException notOurAnswer) {
            return List.of();
        }
        if (entries.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> positions = null;
        Map<Integer, String> byIndex = new LinkedHashMap<>();
        for (Entry entry : entries) {
            int position = -1;
            String id = entry.eventId == null ? null : entry.eventId.toLowerCase(Locale.ROOT);
            if (entry.index >= 0 && entry.index < eventIds.size()
                    && (id == null || id.equals(eventIds.get(entry.index)))) {
                position = entry.index;
            } else if (id != null) {
                if (positions == null) {
                    positions = new HashMap<>();
                    for (int i = 0; i < eventIds.size(); i++) {
                        positions.putIfAbsent(eventIds.get(i), i);
                    }
                }
                position = positions.getOrDefault(id, -1);
            }
            if (position >= 0) {
                byIndex.putIfAbsent(position, shorten(entry.reason == null ? "rejected by the server" : entry.reason));
            }
        }
        List<ExportResult.Rejection> rejected = new ArrayList<>(byIndex.size());
        byIndex.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> rejected.add(new ExportResult.Rejection(e.getKey(), e.getValue())));
        return rejected;
    }

    /** {@code text} on one line and at most {@value #MAX_REASON} characters. */
    public static String shorten(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON - 1) + "…";
    }

    /**
     * Whether {@code body} may have a {@code rejected} key: it has the word, or an escape that could spell it. Most
     * answers ({@code {"success":true}}, a count) have neither and are not parsed at all: the sender is spared a
     * parser per batch.
     */
    private static boolean mayNameRejected(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\\' || body[i] == 'r' && java.util.Arrays.equals(body, i, Math.min(body.length,
                    i + REJECTED.length), REJECTED, 0, REJECTED.length)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithObject(byte[] body) {
        for (byte b : body) {
            if (b == '{') {
                return true;
            }
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return false;
    }

    private record Entry(int index, @Nullable String eventId, @Nullable String reason) {}

    private static List<Entry> read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (!"rejected".equals(field) || value != JsonToken.START_ARRAY) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                int index = -1;
                String eventId = null;
                String reason = null;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken token = parser.nextToken();
                    switch (name) {
                        case "index" -> index = token == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue() : -1;
                        case "event_id" -> eventId = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                        case "reason" -> reason = token.isScalarValue() && token != JsonToken.VALUE_NULL
                                ? parser.getText() : null;
                        default -> parser.skipChildren();
                    }
                }
                entries.add(new Entry(index, eventId, reason));
            }
        }
        return entries;
    }
}
