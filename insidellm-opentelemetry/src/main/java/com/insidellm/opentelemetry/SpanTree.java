package com.insidellm.opentelemetry;

import com.insidellm.Event;
import com.insidellm.EventType;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Turns the event stream into spans with their real start and end times: a run is the root span, an event that
 * starts something (a request, a tool call, a chain, a retrieval) opens a child span of its parent event's span, the
 * event answering it ends that span, and single events become span events on their parent's span. Spans are started
 * when their first event arrives and ended when the last one does, so they stay open in memory in between; both maps
 * are bounded, and what falls out is ended at the last time seen. Not thread-safe: the exporter calls it under its
 * lock.
 */
final class SpanTree {

    /** Most runs whose root span is open at once; the least recently used one is ended beyond this. */
    static final int MAX_OPEN_RUNS = 10_000;
    /** Most spans open at once across runs (requests waiting for their response, tool calls, chains). */
    static final int MAX_OPEN_SPANS = 50_000;
    /** Ended spans remembered by event id, so late children and feedback still find their parent. */
    static final int MAX_ENDED = 50_000;

    private final Tracer tracer;
    private final GenAiSpanAttributes attributes;
    private final GenAiPointEvents points;

    private final LinkedHashMap<String, Run> runs = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<String, Open> open = new LinkedHashMap<>(256);
    /**
     * Root spans of runs already ended, so a late event of such a run (feedback after the answer) joins its trace
     * instead of opening a new root that nothing ends until shutdown.
     */
    private final LinkedHashMap<String, SpanContext> endedRuns = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpanContext> eldest) {
            return size() > MAX_OPEN_RUNS;
        }
    };
    private final LinkedHashMap<String, SpanContext> ended = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SpanContext> eldest) {
            return size() > MAX_ENDED;
        }
    };

    /** A run: its root span and when it was last seen. */
    private static final class Run {
        final String runId;
        final Span root;
        @Nullable String startEventId;
        /** Event ids of this run's open spans, so ending the run does not scan every open span. */
        final java.util.Set<String> openIds = new java.util.LinkedHashSet<>();
        Instant lastSeen;

        Run(String runId, Span root, @Nullable String startEventId, Instant lastSeen) {
            this.runId = runId;
            this.root = root;
            this.startEventId = startEventId;
            this.lastSeen = lastSeen;
        }
    }

    /** A span waiting for the event that ends it. */
    private static final class Open {
        final Span span;
        final String runId;
        final EventType startType;
        final Instant started;
        @Nullable Instant firstChunk;
        /** Whether an error event already failed it (so ending it unanswered keeps that error type). */
        boolean failed;

        Open(Span span, String runId, EventType startType, Instant started) {
            this.span = span;
            this.runId = runId;
            this.startType = startType;
            this.started = started;
        }
    }

    SpanTree(Tracer tracer, Dialect dialect, boolean captureContent) {
        this.tracer = tracer;
        GenAiContent content = new GenAiContent(dialect, captureContent);
        this.attributes = new GenAiSpanAttributes(dialect, content);
        this.points = new GenAiPointEvents(content);
    }

    /** Applies one event. */
    void accept(Event event) {
        switch (GenAiMapping.role(event.type())) {
            case RUN_START -> runStart(event);
            case RUN_END -> runEnd(event);
            case START -> start(event);
            case END -> end(event);
            case COMPLETE -> complete(event);
            case CHUNK -> chunk(event);
            case POINT -> point(event);
        }
    }

    private void runStart(Event event) {
        Run run = runs.get(event.runId());
        if (run != null) {
            // Events of this run arrived first (a lazily opened root): describe the run on it.
            attributes.runStart(run.root, event);
            run.root.updateName(GenAiMapping.runSpanName(event));
            run.startEventId = event.eventId();
            return;
        }
        endedRuns.remove(event.runId()); // the same id started again: a new trace
        Span root = tracer.spanBuilder(GenAiMapping.runSpanName(event)).setNoParent()
                .setStartTimestamp(micros(event.timestamp()), TimeUnit.MICROSECONDS).startSpan();
        attributes.runStart(root, event);
        putRun(new Run(event.runId(), root, event.eventId(), event.timestamp()));
        remember(event.eventId(), root.getSpanContext());
    }

    private void runEnd(Event event) {
        Run run = runs.remove(event.runId());
        if (run == null) {
            return; // a run whose start was never seen (or already evicted): nothing to close
        }
        closeRun(run, event.timestamp());
        attributes.runEnd(run.root, event);
        run.root.end(micros(event.timestamp()), TimeUnit.MICROSECONDS);
        endedRuns.put(run.runId, run.root.getSpanContext());
    }

    private void start(Event event) {
        Run run = run(event);
        Span span = tracer.spanBuilder(GenAiMapping.spanName(event)).setParent(parent(event.parentEventId(), run))
                .setSpanKind(GenAiMapping.spanKind(event.type()))
                .setStartTimestamp(micros(event.timestamp()), TimeUnit.MICROSECONDS).startSpan();
        attributes.start(span, event);
        open.put(event.eventId(), new Open(span, event.runId(), event.type(), event.timestamp()));
        run.openIds.add(event.eventId());
        if (open.size() > MAX_OPEN_SPANS) {
            Iterator<Map.Entry<String, Open>> eldest = open.entrySet().iterator();
            Map.Entry<String, Open> e = eldest.next();
            eldest.remove();
            Run owner = runs.get(e.getValue().runId);
            if (owner != null) {
                owner.openIds.remove(e.getKey());
            }
            endOpen(e.getKey(), e.getValue(), run.lastSeen);
        }
    }

    private void end(Event event) {
        Run run = run(event);
        String parentId = event.parentEventId();
        Open started = parentId == null ? null : open.get(parentId);
        if (started != null && started.startType == GenAiMapping.startOf(event.type())) {
            open.remove(parentId);
            run.openIds.remove(parentId);
            attributes.end(started.span, event, started.started, started.firstChunk);
            started.span.end(micros(event.timestamp()), TimeUnit.MICROSECONDS);
            remember(event.eventId(), started.span.getSpanContext());
            remember(parentId, started.span.getSpanContext());
            return;
        }
        // The start was never seen (or is not what this event answers): a span of its own, measured backwards.
        complete(event);
    }

    private void complete(Event event) {
        Run run = run(event);
        Instant end = event.timestamp();
        Instant start = end.minusMillis(GenAiMapping.durationMillis(event));
        Span span = tracer.spanBuilder(GenAiMapping.spanName(event)).setParent(parent(event.parentEventId(), run))
                .setSpanKind(GenAiMapping.spanKind(event.type()))
                .setStartTimestamp(micros(start), TimeUnit.MICROSECONDS).startSpan();
        attributes.start(span, event);
        attributes.end(span, event, start, null);
        span.end(micros(end), TimeUnit.MICROSECONDS);
        remember(event.eventId(), span.getSpanContext());
    }

    private void chunk(Event event) {
        run(event);
        String parentId = event.parentEventId();
        Open request = parentId == null ? null : open.get(parentId);
        if (request != null && request.firstChunk == null) {
            request.firstChunk = event.timestamp();
        }
    }

    private void point(Event event) {
        Run run = run(event);
        GenAiPointEvents.PointEvent point = points.point(event);
        String targetId = event.type() == EventType.USER_FEEDBACK
                && event.payload().get("target_event_id") instanceof String target ? target : event.parentEventId();
        Span target = null;
        SpanContext endedTarget = null;
        if (targetId != null) {
            Open o = open.get(targetId);
            if (o != null) {
                target = o.span;
                o.failed |= point.failure();
            } else if (targetId.equals(run.startEventId)) {
                target = run.root;
            } else {
                endedTarget = ended.get(targetId);
            }
        }
        if (target == null && endedTarget == null) {
            target = run.root;
        }
        if (target != null && target.isRecording()) {
            target.addEvent(point.name(), point.attributes(), micros(event.timestamp()), TimeUnit.MICROSECONDS);
            if (point.failure() && target != run.root) {
                attributes.error(target, point.attributes().get(GenAiMapping.EXCEPTION_TYPE),
                        point.attributes().get(GenAiMapping.EXCEPTION_MESSAGE));
            }
            return;
        }
        // The span it belongs to has ended (feedback after the answer, after the run): a zero-length child carries it.
        SpanContext parent = endedTarget != null ? endedTarget : run.root.getSpanContext();
        Span carrier = tracer.spanBuilder(point.name()).setParent(Context.root().with(Span.wrap(parent)))
                .setStartTimestamp(micros(event.timestamp()), TimeUnit.MICROSECONDS).startSpan();
        attributes.carrier(carrier, event);
        carrier.addEvent(point.name(), point.attributes(), micros(event.timestamp()), TimeUnit.MICROSECONDS);
        carrier.end(micros(event.timestamp()), TimeUnit.MICROSECONDS);
    }

    /** The run of an event, opening a root span for it when its {@code run.start} was not seen. */
    private Run run(Event event) {
        Run run = runs.get(event.runId());
        if (run == null) {
            SpanContext endedRoot = endedRuns.get(event.runId());
            if (endedRoot != null) {
                // Not kept in runs: its root has ended, and the event's own span (if any) parents to that trace.
                return new Run(event.runId(), Span.wrap(endedRoot), null, event.timestamp());
            }
            Span root = tracer.spanBuilder(GenAiMapping.OP_INVOKE_AGENT).setNoParent()
                    .setStartTimestamp(micros(event.timestamp()), TimeUnit.MICROSECONDS).startSpan();
            attributes.common(root, event);
            root.setAttribute(GenAiMapping.OPERATION_NAME, GenAiMapping.OP_INVOKE_AGENT);
            run = new Run(event.runId(), root, null, event.timestamp());
            putRun(run);
        }
        if (event.timestamp().isAfter(run.lastSeen)) {
            run.lastSeen = event.timestamp();
        }
        return run;
    }

    private void putRun(Run run) {
        runs.put(run.runId, run);
        if (runs.size() > MAX_OPEN_RUNS) {
            Iterator<Run> eldest = runs.values().iterator();
            Run evicted = eldest.next();
            eldest.remove();
            closeRun(evicted, evicted.lastSeen);
            evicted.root.end(micros(evicted.lastSeen), TimeUnit.MICROSECONDS);
            endedRuns.put(evicted.runId, evicted.root.getSpanContext());
        }
    }

    private Context parent(@Nullable String parentEventId, Run run) {
        if (parentEventId != null) {
            Open o = open.get(parentEventId);
            if (o != null) {
                return Context.root().with(o.span);
            }
            SpanContext ctx = ended.get(parentEventId);
            if (ctx != null) {
                return Context.root().with(Span.wrap(ctx));
            }
        }
        return Context.root().with(run.root);
    }

    /** Ends the spans of a run still waiting for their answer, at {@code at}. */
    private void closeRun(Run run, Instant at) {
        for (String id : run.openIds) {
            Open o = open.remove(id);
            if (o != null) {
                endOpen(id, o, at);
            }
        }
        run.openIds.clear();
    }

    private void endOpen(String eventId, Open o, Instant at) {
        Instant end = at.isBefore(o.started) ? o.started : at;
        if (!o.failed) {
            o.span.setAttribute(GenAiMapping.ERROR_TYPE, "incomplete");
        }
        o.span.end(micros(end), TimeUnit.MICROSECONDS);
        remember(eventId, o.span.getSpanContext());
    }

    private void remember(String eventId, SpanContext context) {
        ended.put(eventId, context);
    }

    /** Ends every open span and run at the last time seen (shutdown). */
    void endAll() {
        for (Run run : new ArrayList<>(runs.values())) {
            closeRun(run, run.lastSeen);
            run.root.end(micros(run.lastSeen), TimeUnit.MICROSECONDS);
        }
        runs.clear();
        for (Map.Entry<String, Open> e : new ArrayList<>(open.entrySet())) {
            endOpen(e.getKey(), e.getValue(), e.getValue().started);
        }
        open.clear();
    }

    int openRuns() {
        return runs.size();
    }

    int openSpans() {
        return open.size();
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
