package com.insidellm.internal;

import com.insidellm.Event;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ClientObserver}s of a client (its metrics), each call guarded so that an observer that throws costs
 * nothing but a DEBUG line. Internal; thread-safe.
 */
final class Observers {

    private static final Logger log = LoggerFactory.getLogger(Observers.class);

    private final List<ClientObserver> observers = new CopyOnWriteArrayList<>();

    void add(ClientObserver observer) {
        observers.add(observer);
    }

    boolean isEmpty() {
        return observers.isEmpty();
    }

    void llmResponse(Event event) {
        for (ClientObserver observer : observers) {
            try {
                observer.llmResponse(event);
            } catch (RuntimeException e) {
                log.debug("InsideLLM observer threw; ignored", e);
            }
        }
    }

    void exported(String exporter, int events, boolean success, long nanos) {
        for (ClientObserver observer : observers) {
            try {
                observer.exported(exporter, events, success, nanos);
            } catch (RuntimeException e) {
                log.debug("InsideLLM observer threw; ignored", e);
            }
        }
    }
}
