package com.insidellm.internal.processing;

import com.insidellm.Event;
import com.insidellm.EventProcessor;
import com.insidellm.Redactor;
import com.insidellm.Redactors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured {@link Redactor}s over every string of an event's payload and metadata. Fails closed: a string
 * whose redaction throws becomes {@link Redactors#FAILED_MARKER}; an event whose payload cannot be walked at all is
 * dropped by the processor chain (as {@link DropReason#PROCESSOR_ERROR}), never sent raw. Immutable and thread-safe.
 */
public final class RedactionProcessor implements EventProcessor {

    private static final Logger log = LoggerFactory.getLogger(RedactionProcessor.class);

    private final List<Redactor> redactors;
    private final UnaryOperator<String> redactString = this::redact;

    public RedactionProcessor(List<Redactor> redactors) {
        this.redactors = List.copyOf(redactors);
    }

    @Override
    public Event process(Event event) {
        Map<String, @Nullable Object> payload = event.payload();
        Object redactedPayload = StringWalker.map(payload, redactString);
        Map<String, Object> metadata = event.metadata();
        Map<String, Object> redactedMetadata = metadata == null ? null : redactMetadata(metadata);
        if (redactedPayload == payload && redactedMetadata == metadata) {
            return event;
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> newPayload = (Map<String, ?>) redactedPayload;
        Event.Builder builder = event.toBuilder().payload(newPayload);
        if (redactedMetadata != metadata) {
            builder.metadata(redactedMetadata);
        }
        return builder.build();
    }

    /** Redacts the string values of flat metadata; returns the same map when nothing changed. */
    public Map<String, Object> redactMetadata(Map<String, Object> metadata) {
        Map<String, Object> redacted = metadata;
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            if (entry.getValue() instanceof String text) {
                String clean = redact(text);
                if (!clean.equals(text)) {
                    if (redacted == metadata) {
                        redacted = new LinkedHashMap<>(metadata);
                    }
                    redacted.put(entry.getKey(), clean);
                }
            }
        }
        return redacted;
    }

    public String redact(String text) {
        String current = text;
        for (Redactor redactor : redactors) {
            try {
                current = redactor.redact(current);
            } catch (RuntimeException e) {
                // The message is about the redactor; the text is never logged.
                log.debug("InsideLLM redactor {} threw {}; the field is replaced with {}",
                        redactor.getClass().getName(), e.getClass().getName(), Redactors.FAILED_MARKER);
                return Redactors.FAILED_MARKER;
            }
            if (current == null) {
                return Redactors.FAILED_MARKER;
            }
        }
        return current;
    }
}
