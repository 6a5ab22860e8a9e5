package com.insidellm.internal;

import com.insidellm.DeliveryListener;
import com.insidellm.DropReason;
import com.insidellm.Event;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's {@link DeliveryListener}s as one: each call goes to every listener in the order they were added, one
 * call at a time (the flusher and the sender both report), and a listener that throws is logged and skipped.
 * Internal; thread-safe.
 */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(BatchingClient.class);

    private final List<DeliveryListener> listeners;
    /** Held around every listener call, so that calls from the flusher and the sender never overlap. */
    private final Object lock = new Object();

    Listeners(List<DeliveryListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    void llmResponse(Event event) {
        each("onLlmResponse", listener -> listener.onLlmResponse(event));
    }

    void exported(String exporter, int events, boolean success, long nanos) {
        Duration duration = Duration.ofNanos(nanos);
        each("onExported", listener -> listener.onExported(exporter, events, success, duration));
    }

    void delivered(List<Event> events) {
        each("onDelivered", listener -> listener.onDelivered(events));
    }

    void failed(List<Event> events, String reason) {
        each("onFailed", listener -> listener.onFailed(events, reason));
    }

    void dropped(DropReason reason, long count) {
        each("onDropped", listener -> listener.onDropped(reason, count));
    }

    void dropped(DropReason reason, List<Event> events, String detail) {
        each("onDropped", listener -> listener.onDropped(reason, events, detail));
    }

    private void each(String method, Consumer<DeliveryListener> call) {
        synchronized (lock) {
            for (DeliveryListener listener : listeners) {
                try {
                    call.accept(listener);
                } catch (RuntimeException e) {
                    log.warn("InsideLLM delivery listener threw from {}; ignored", method, e);
                }
            }
        }
    }
}
