package com.insidellm.spring;

import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.EventType;
import com.insidellm.ExportResult;
import com.insidellm.testing.InMemoryEventExporter;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import java.util.function.Supplier;

/**
 * This module's view of the shared {@link InMemoryEventExporter} (insidellm-testing), which keeps the events: an
 * exporter bean the auto-configured client picks up, with the events as list fields for assertions.
 */
final class RecordingExporter implements EventExporter {

    private final InMemoryEventExporter delegate = InMemoryEventExporter.create();
    /** The events exported so far (a live view). */
    final List<Event> events = view(delegate::getFinishedEvents);
    /** Events offered after the client shut the exporter down: a destination that is gone would lose them. */
    final List<Event> afterClose = view(delegate::getEventsAfterShutdown);

    @Override
    public ExportResult export(EventBatch batch) {
        return delegate.export(batch);
    }

    @Override
    public ExportResult shutdown(Duration deadline) {
        return delegate.shutdown(deadline);
    }

    List<Event> ofType(EventType type) {
        return delegate.getFinishedEvents(type);
    }

    Event single(EventType type) {
        List<Event> found = ofType(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + " event but got " + found.size() + ": " + events);
        }
        return found.get(0);
    }

    private static List<Event> view(Supplier<List<Event>> source) {
        return new AbstractList<>() {
            @Override
            public Event get(int index) {
                return source.get().get(index);
            }

            @Override
            public int size() {
                return source.get().size();
            }
        };
    }
}
