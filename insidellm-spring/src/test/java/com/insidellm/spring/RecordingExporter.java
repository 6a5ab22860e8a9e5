package com.insidellm.spring;

import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.EventType;
import com.insidellm.ExportResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An exporter that keeps what it is given, for assertions. */
final class RecordingExporter implements EventExporter {

    final List<Event> events = new CopyOnWriteArrayList<>();
    /** Events offered after {@link #close()}: a destination that is gone would lose them. */
    final List<Event> afterClose = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    @Override
    public ExportResult export(EventBatch batch) {
        (closed ? afterClose : events).addAll(batch.events());
        return ExportResult.success();
    }

    @Override
    public void close() {
        closed = true;
    }

    List<Event> ofType(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    Event single(EventType type) {
        List<Event> found = ofType(type);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + " event but got " + found.size() + ": " + events);
        }
        return found.get(0);
    }
}
