package com.insidellm.internal;

import com.insidellm.Event;
import com.insidellm.EventType;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The wire rules an {@link Event}'s fields follow, checked by {@link Event.Builder}: ids are canonical UUIDs,
 * metadata is flat, and a payload has its type's fields in wire order with the required ones set. Internal; stateless
 * but for the memo of {@link #runId}.
 */
public final class EventFields {

    /**
     * The last run id {@link #runId} found canonical: an application logs many events into one run, usually with the
     * same string, which then is not checked again (racy by design: a stale value costs one more check).
     */
    private static volatile @Nullable String lastRunId;

    private EventFields() {
    }

    /**
     * The payload in wire order: the type's fields first (defaults filled in, required ones checked), then any extra
     * keys.
     *
     * @throws IllegalArgumentException naming a required field that is missing
     */
    public static Map<String, @Nullable Object> normalize(EventType type, Map<String, @Nullable Object> payload) {
        Map<String, @Nullable Object> normalized = new LinkedHashMap<>();
        for (EventType.PayloadField field : type.payloadFields()) {
            String name = field.name();
            Object value = payload.get(name);
            if (value == null && !payload.containsKey(name) && field.defaultValue() != null) {
                value = field.defaultValue();
            }
            if (field.required() && (field.nullable() ? !payload.containsKey(name) : value == null)) {
                throw new IllegalArgumentException("payload." + name + " is required for " + type
                        + " events" + (field.nullable() ? " (it may be null, but must be set)" : ""));
            }
            normalized.put(name, value);
        }
        if (normalized.size() != payload.size() || !normalized.keySet().containsAll(payload.keySet())) {
            for (Map.Entry<String, @Nullable Object> entry : payload.entrySet()) {
                normalized.putIfAbsent(entry.getKey(), entry.getValue());
            }
        }
        return normalized;
    }

    /** Whether the payload already has exactly this type's keys, in order, with every non-null field set. */
    public static boolean isNormalized(EventType type, Map<String, @Nullable Object> payload) {
        List<EventType.PayloadField> fields = type.payloadFields();
        if (payload.size() != fields.size()) {
            return false;
        }
        Iterator<Map.Entry<String, @Nullable Object>> entries = payload.entrySet().iterator();
        for (EventType.PayloadField field : fields) {
            Map.Entry<String, @Nullable Object> entry = entries.next();
            if (!field.name().equals(entry.getKey())
                    || (entry.getValue() == null && field.required() && !field.nullable())) {
                return false;
            }
        }
        return true;
    }

    /** The canonical form of a UUID field, or an exception naming the field and the bad value. */
    public static String uuid(String field, String value) {
        Objects.requireNonNull(value, field);
        String canonical = Ids.canonicalUuidOrNull(value);
        if (canonical == null) {
            throw new IllegalArgumentException(field + " must be a UUID such as "
                    + "'123e4567-e89b-12d3-a456-426614174000', but was '" + value + "'");
        }
        return canonical;
    }

    /**
     * The canonical form of a run id, as {@link #uuid} gives it for {@code run_id}, without checking again the string
     * that passed last: {@link Event#of}'s check on the caller's hot path.
     */
    public static String runId(String runId) {
        String checked = lastRunId;
        if (runId != checked || checked == null) {
            checked = uuid("run_id", runId);
            if (checked == runId) {
                lastRunId = checked;
            }
        }
        return checked;
    }

    /** {@code userId} if it is a valid user id (non-empty). */
    public static String userId(String userId) {
        Objects.requireNonNull(userId, "userId");
        if (userId.isEmpty()) {
            throw new IllegalArgumentException("user_id must not be empty");
        }
        return userId;
    }

    /** Adds one metadata entry to {@code metadata} (created when {@code null}); a null value is ignored. */
    public static @Nullable Map<String, Object> putMetadata(@Nullable Map<String, Object> metadata, String key,
            @Nullable Object value) {
        Objects.requireNonNull(key, "metadata key");
        if (value == null) {
            return metadata;
        }
        Map<String, Object> map = metadata == null ? new LinkedHashMap<>() : metadata;
        map.put(key, flatMetadataValue(key, value));
        return map;
    }

    /** An event's own copy of the builder's metadata, or {@code null} when there is none. */
    public static @Nullable Map<String, Object> copyMetadata(@Nullable Map<String, Object> metadata) {
        return metadata == null || metadata.isEmpty() ? null
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A metadata value as the wire format holds it: a scalar, or a list or array joined with commas. */
    private static Object flatMetadataValue(String key, Object value) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Collection<?> collection) {
            return join(collection.iterator());
        }
        if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(Array.get(value, i));
            }
            return sb.toString();
        }
        throw new IllegalArgumentException("metadata." + key + " must be a string, number, boolean or list, but was "
                + value.getClass().getName() + "; put structured data in the payload instead");
    }

    private static String join(Iterator<?> it) {
        StringBuilder sb = new StringBuilder();
        while (it.hasNext()) {
            sb.append(it.next());
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        return sb.toString();
    }
}
