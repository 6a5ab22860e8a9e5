package com.insidellm.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.insidellm.Event;
import com.insidellm.EventType;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns the wire JSON of events read back from the disk {@link Outbox} into {@link Event} objects, for what the client
 * reports about them (the delivery listener, DEBUG logs). The bytes sent are always the JSON as it was spooled; these
 * objects never reach the wire. Internal: not part of the public API. Thread-safe (stateless).
 */
public final class SpooledEvents {

    private static final TypeReference<Map<String, @Nullable Object>> MAP = new TypeReference<>() {
    };

    private SpooledEvents() {
    }

    /** The events of a spooled batch, one per JSON object, in order. */
    public static List<Event> events(List<byte[]> json) {
        List<Event> events = new ArrayList<>(json.size());
        for (byte[] bytes : json) {
            events.add(event(bytes));
        }
        return events;
    }

    /**
     * The events of a spooled batch as a list that reads each one from its JSON when first asked for (and keeps it):
     * replaying a batch whose events nobody inspects then costs no parsing, which on a loaded machine took as long
     * as sending it. Unmodifiable; safe to read from several threads (an event may be read twice, never wrongly).
     */
    public static List<Event> lazy(List<byte[]> json) {
        Event[] cache = new Event[json.size()];
        return new java.util.AbstractList<>() {
            @Override
            public Event get(int index) {
                Event event = cache[index];
                if (event == null) {
                    event = event(json.get(index));
                    cache[index] = event;
                }
                return event;
            }

            @Override
            public int size() {
                return cache.length;
            }
        };
    }

    /**
     * The event that {@code json} is the wire form of. An object that does not read back as an event (a payload the
     * event builder now refuses, say) becomes a {@code custom.event} named after its type with the same ids, so that
     * the listener still learns which event it was.
     */
    @SuppressWarnings("unchecked")
    static Event event(byte[] json) {
        Map<String, @Nullable Object> map;
        try {
            map = WireJson.mapper().readValue(json, MAP);
        } catch (IOException e) {
            map = Map.of();
        }
        String type = text(map.get("event_type"));
        String eventId = text(map.get("event_id"));
        String runId = text(map.get("run_id"));
        String userId = text(map.get("user_id"));
        try {
            Event.Builder builder = Event.builder(EventType.fromWireValue(type)).eventId(eventId).runId(runId)
                    .userId(userId).timestamp(Instant.parse(text(map.get("timestamp"))))
                    .parentEventId((String) map.get("parent_event_id"));
            if (map.get("metadata") instanceof Map<?, ?> metadata) {
                builder.metadata((Map<String, ?>) metadata);
            }
            if (map.get("payload") instanceof Map<?, ?> payload) {
                builder.payload(new LinkedHashMap<>((Map<String, ?>) payload));
            }
            return builder.build();
        } catch (RuntimeException unreadable) {
            Event.Builder placeholder = Event.builder(EventType.CUSTOM_EVENT)
                    .runId(Ids.canonicalUuidOrNull(runId) != null ? runId : Ids.randomUuid())
                    .userId(userId.isEmpty() ? "unknown" : userId)
                    .payload(Map.of("name", "unreadable spooled " + (type.isEmpty() ? "event" : type)));
            if (Ids.canonicalUuidOrNull(eventId) != null) {
                placeholder.eventId(eventId);
            }
            return placeholder.build();
        }
    }

    private static String text(@Nullable Object value) {
        return value instanceof String s ? s : "";
    }
}
