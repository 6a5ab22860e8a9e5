package com.insidellm.collector.otlp;

import static com.insidellm.collector.otlp.SpanAttributes.USER_KEYS;
import static com.insidellm.collector.otlp.SpanAttributes.firstStr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.PriceTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns OTLP spans into InsideLLM wire events: chooses the spans that become events and hands each to
 * {@link SpanEvents}. The attribute names read are the current GenAI semantic conventions, their deprecated names
 * ({@code gen_ai.system}, {@code gen_ai.usage.prompt_tokens}/{@code completion_tokens}, {@code gen_ai.prompt}/
 * {@code completion}), OpenInference's ({@code llm.*}, {@code openinference.span.kind}), Spring AI's
 * ({@code spring.ai.kind}) and the InsideLLM exporter's own. They are written here as strings rather than shared with
 * {@code insidellm-opentelemetry}, which the collector does not depend on (it would bring the OpenTelemetry API for
 * names only); that module's round-trip test sends its spans through this receiver and holds the two together.
 *
 * <p>A trace is a run (the run id is the trace id written as a UUID). Spans that are not GenAI ({@link GenAiKind})
 * are kept only when they are parents of GenAI spans (as chains), so the tree holds together; the rest are dropped.
 * Event ids are derived from the trace and span ids, so a batch the SDK sends again is stored once.
 *
 * <p>OTLP exporters send a span when it ends, so children usually arrive before their parents, in earlier requests;
 * the span ids children named as parents are remembered (bounded) so those parents are kept when they arrive. Spans
 * dropped recently are remembered too, bounded in count and in bytes, in case a child sent later names them.
 * Thread-safe.
 */
final class GenAiSpans {

    /** Parent span ids remembered between requests (oldest forgotten first). */
    static final int MAX_REMEMBERED_PARENTS = 100_000;
    /** Spans dropped recently, kept in case a GenAI child sent in a later (or concurrent) request names them. */
    static final int MAX_DROPPED_KEPT = 10_000;
    /** Most estimated bytes of the spans dropped recently (16 MiB), so a burst of huge spans cannot exhaust memory. */
    static final long DEFAULT_MAX_DROPPED_BYTES = 16L * 1024 * 1024;
    /** Users seen per trace, for spans of the trace that do not carry one. */
    static final int MAX_TRACE_USERS = 10_000;
    /** Most estimated bytes of the users remembered per trace. */
    static final long MAX_TRACE_USER_BYTES = 4L * 1024 * 1024;

    private final SpanEvents events;
    private final Object lock = new Object();
    private final LinkedHashMap<String, Boolean> neededParents = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED_PARENTS;
        }
    };
    private final BoundedCache<OtlpSpan> droppedRecently;
    private final BoundedCache<String> traceUsers = new BoundedCache<>(MAX_TRACE_USERS, MAX_TRACE_USER_BYTES, true,
            SpanSizes::of);

    GenAiSpans(PriceTable prices, ObjectMapper mapper) {
        this(prices, mapper, DEFAULT_MAX_DROPPED_BYTES);
    }

    /** With another bound on the bytes of the spans dropped recently. */
    GenAiSpans(PriceTable prices, ObjectMapper mapper, long maxDroppedBytes) {
        this.events = new SpanEvents(prices, mapper);
        this.droppedRecently = new BoundedCache<>(MAX_DROPPED_KEPT, maxDroppedBytes, false, SpanSizes::of);
    }

    /** The wire events for one export request's spans, in time order within each span. */
    List<ObjectNode> convert(List<OtlpSpan> spans) {
        Map<String, String> users = new HashMap<>();
        Map<String, OtlpSpan> byId = new HashMap<>();
        for (OtlpSpan s : spans) {
            byId.put(s.traceId() + s.spanId(), s);
        }
        Set<String> keep = new LinkedHashSet<>();
        List<OtlpSpan> all = new ArrayList<>(spans);
        Deque<OtlpSpan> work = new ArrayDeque<>();
        for (OtlpSpan s : spans) {
            if (GenAiKind.of(s) != GenAiKind.OTHER || Boolean.TRUE.equals(s.attr("insidellm.carrier"))) {
                keep.add(s.traceId() + s.spanId());
                work.add(s);
            }
        }
        synchronized (lock) {
            for (OtlpSpan s : spans) {
                String key = s.traceId() + s.spanId();
                if (!keep.contains(key) && neededParents.remove(key) != null) {
                    keep.add(key);
                    work.add(s);
                }
            }
            // Walk up from every kept span: parents in this request are kept, the others remembered for later.
            while (!work.isEmpty()) {
                OtlpSpan s = work.poll();
                if (s.parentSpanId() == null) {
                    continue;
                }
                String parentKey = s.traceId() + s.parentSpanId();
                OtlpSpan parent = byId.get(parentKey);
                if (parent == null) {
                    // Sent earlier (or concurrently) and dropped then? Keep it now; else wait for it.
                    parent = droppedRecently.remove(parentKey);
                    if (parent != null) {
                        byId.put(parentKey, parent);
                        all.add(parent);
                    }
                }
                if (parent == null) {
                    neededParents.put(parentKey, Boolean.TRUE);
                } else if (keep.add(parentKey)) {
                    work.add(parent);
                }
            }
            for (OtlpSpan s : spans) {
                String key = s.traceId() + s.spanId();
                if (!keep.contains(key)) {
                    droppedRecently.put(key, s);
                }
                String user = firstStr(s, USER_KEYS);
                if (user != null && !user.isBlank()) {
                    traceUsers.put(s.traceId(), user);
                }
            }
            for (OtlpSpan s : all) {
                String user = traceUsers.get(s.traceId());
                if (user != null) {
                    users.put(s.traceId(), user);
                }
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (OtlpSpan s : all) {
            if (keep.contains(s.traceId() + s.spanId())) {
                events.convert(withUser(s, users.get(s.traceId())), out);
            }
        }
        return out;
    }

    /** The span with its trace's user when it carries none itself (often only the root span names the user). */
    private static OtlpSpan withUser(OtlpSpan s, @Nullable String user) {
        if (user == null || firstStr(s, USER_KEYS) != null) {
            return s;
        }
        Map<String, Object> attributes = new LinkedHashMap<>(s.attributes());
        attributes.put("user.id", user);
        return new OtlpSpan(s.traceId(), s.spanId(), s.parentSpanId(), s.name(), s.kind(), s.startNanos(),
                s.endNanos(), attributes, s.events(), s.statusCode(), s.statusMessage(), s.resource());
    }

    /** How many spans dropped recently are remembered. */
    int droppedKept() {
        synchronized (lock) {
            return droppedRecently.size();
        }
    }

    /** The estimated bytes of the spans dropped recently that are remembered. */
    long droppedKeptBytes() {
        synchronized (lock) {
            return droppedRecently.bytes();
        }
    }
}
