package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.ModelPrice;
import com.insidellm.PriceTable;
import com.insidellm.TokenUsage;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.ingest.WireValues;
import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records gateway calls as {@code llm.request} and {@code llm.response} (or {@code error}) events, plus {@code
 * run.start}/{@code run.end} for the runs the gateway opens, into the collector's store through {@link
 * Ingestor#ingestBuilt}: the events are written straight into their stored form ({@link GatewayEvents}), valid by
 * construction, rather than built as trees, serialised and validated as if they came from outside. Calls are queued by the serving threads and recorded by one background
 * thread in batches, so parsing, threading and the commit never add to a call's latency while the store keeps up.
 *
 * <p>Nothing accepted is forgotten: when the bounded queue is full, the serving thread waits for room (backpressure:
 * under overload the proxy slows down to the speed of the store instead of silently not recording). The wait is
 * bounded only for a store that has stopped taking writes — no progress for {@code stallLimit} — and then the call is
 * forwarded unrecorded, counted in {@link #dropped()}, logged, and {@code /health} says the recording is stalled. A
 * failing store write is retried for the same time before its calls are counted as dropped. Internal. Thread-safe;
 * {@link #close()} records what is queued and is idempotent.
 */
final class GatewayRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayRecorder.class);
    static final int QUEUE_CAPACITY = 20_000;
    /**
     * How long the recorder may make no progress (a store that hangs or keeps failing) before a serving thread stops
     * waiting for room and forwards its call unrecorded; a store that is merely slow never gets near it.
     */
    static final java.time.Duration STALL_LIMIT = java.time.Duration.ofSeconds(10);
    private static final int BATCH = 512;
    /**
     * How long the recorder lets calls gather before writing them: each write is two commits (events, threading)
     * whose cost is mostly per commit, so at thousands of calls a second 20 ms cut the recorder's CPU per call by
     * about a quarter against 2 ms. Recording lags by this much; no client waits for it.
     */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The user of calls that name none. */
    static final String DEFAULT_USER = "gateway";
    /** Request fields recorded elsewhere than in {@code parameters}. */
    private static final Set<String> NOT_PARAMETERS = Set.of("model", "messages", "tools", "tool_choice", "stream",
            "stream_options", "user");

    private final Ingestor ingestor;
    private final ObjectMapper mapper;
    private final GatewayRuns runs;
    private final Clock clock;
    private final long idleCheckMillis;
    private final ModelPrices prices = new ModelPrices(PriceTable.defaults());
    private final GatewayEvents writer;
    private final BlockingQueue<ProxiedCall> queue;
    private final long stallNanos;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong waited = new AtomicLong();
    /** When the recorder last took calls from the queue or finished a write: a stalled store stops it moving. */
    private volatile long progressNanos = System.nanoTime();
    /** The last store failure while it lasts, null when writes succeed. */
    private volatile @Nullable String storeFailure;
    private final Thread thread;
    private final Object lock = new Object();
    private volatile boolean closing;
    private long lastDropReport;
    private long lastIdleCheck;

    GatewayRecorder(Ingestor ingestor, ObjectMapper mapper, ConversationStore conversations, ConversationKeys keys,
            java.time.Duration idle, Clock clock) {
        this(ingestor, mapper, conversations, keys, idle, clock, QUEUE_CAPACITY, STALL_LIMIT);
    }

    GatewayRecorder(Ingestor ingestor, ObjectMapper mapper, ConversationStore conversations, ConversationKeys keys,
            java.time.Duration idle, Clock clock, int capacity, java.time.Duration stallLimit) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.stallNanos = stallLimit.toNanos();
        this.ingestor = ingestor;
        this.mapper = mapper;
        this.writer = new GatewayEvents(mapper);
        this.clock = clock;
        this.runs = new GatewayRuns(conversations, keys, idle);
        this.idleCheckMillis = Math.max(50, Math.min(30_000, idle.toMillis() / 4));
        this.thread = new Thread(this::loop, "insidellm-gateway-recorder");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("gateway recorder failed", e));
        thread.start();
    }

    /**
     * Queues a finished call. When the queue is full, waits for room for as long as the recorder makes progress
     * (backpressure); only a recorder stalled for the stall limit makes it give up and count the call as dropped.
     */
    void record(ProxiedCall call) {
        if (queue.offer(call)) {
            return;
        }
        waited.incrementAndGet();
        try {
            while (!queue.offer(call, 100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - progressNanos > stallNanos || !thread.isAlive()) {
                    drop(1, "the recorder made no progress for " + stallNanos / 1_000_000 + " ms"
                            + (storeFailure != null ? " (store: " + storeFailure + ")" : ""));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(1, "the serving thread was interrupted while waiting for room");
        }
    }

    private void drop(int calls, String why) {
        long n = dropped.addAndGet(calls);
        long now = System.nanoTime();
        synchronized (lock) {
            if (lastDropReport == 0 || now - lastDropReport > TimeUnit.MINUTES.toNanos(1)) {
                lastDropReport = now;
                LOG.warn("gateway calls not recorded: {} so far; last because {}", n, why);
            }
        }
    }

    /** Calls recorded so far. */
    long recorded() {
        return recorded.get();
    }

    /** Calls not recorded because the store stalled or kept failing (never merely because it was slow). */
    long dropped() {
        return dropped.get();
    }

    /** Calls whose serving thread had to wait for room in the queue (backpressure). */
    long waited() {
        return waited.get();
    }

    /**
     * {@code "ok"}, or {@code "stalled"} while the recorder has made no progress with a full queue for the stall
     * limit, or {@code "failing"} while store writes fail (and are retried).
     */
    String status() {
        if (queue.remainingCapacity() == 0 && System.nanoTime() - progressNanos > stallNanos) {
            return "stalled";
        }
        return storeFailure != null ? "failing" : "ok";
    }

    /** The last store failure while writes fail; null when they succeed. */
    @Nullable String storeFailure() {
        return storeFailure;
    }

    private void loop() {
        List<ProxiedCall> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                // Short polls: close() only sets a flag (an interrupt could cut a commit short).
                ProxiedCall first = queue.poll(Math.min(idleCheckMillis, 200), TimeUnit.MILLISECONDS);
                progressNanos = System.nanoTime();
                if (first != null) {
                    batch.add(first);
                    if (queue.size() < BATCH && !closing) {
                        // A moment for more calls to arrive: one wake-up and one commit for many calls under load,
                        // instead of one per call. Recording may lag by this much; no client waits for it.
                        java.util.concurrent.locks.LockSupport.parkNanos(GATHER_NANOS);
                    }
                    queue.drainTo(batch, BATCH - 1);
                    progressNanos = System.nanoTime();
                }
                List<StoredEvent> events = new ArrayList<>(batch.size() * 3);
                for (ProxiedCall call : batch) {
                    try {
                        events(call, events);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("could not record a gateway call", e);
                        drop(1, "its events could not be built: " + e);
                    }
                }
                long now = clock.millis();
                if (now - lastIdleCheck >= idleCheckMillis) {
                    lastIdleCheck = now;
                    for (ConversationStore.OpenRun run : runs.endIdle(now * 1000)) {
                        try {
                            events.add(runEnd(run));
                        } catch (IOException e) {
                            LOG.debug("could not record the end of run {}", run.runId(), e);
                        }
                    }
                }
                if (!events.isEmpty()) {
                    if (ingest(events)) {
                        recorded.addAndGet(batch.size());
                    } else {
                        drop(batch.size(), "the store kept failing: " + storeFailure);
                    }
                }
                runs.save();
                batch.clear();
                if (closing && queue.isEmpty()) {
                    return;
                }
            } catch (InterruptedException e) {
                if (closing && queue.isEmpty()) {
                    return;
                }
            } catch (RuntimeException e) {
                drop(batch.size(), "recording failed: " + e);
                batch.clear();
            }
        }
    }

    /**
     * Stores the events, retrying a busy or failing store (a full disk, a lock held elsewhere) for up to the stall
     * limit, so a passing failure loses nothing; false when it kept failing. While it retries, the queue may fill and
     * serving threads wait.
     */
    private boolean ingest(List<StoredEvent> events) throws InterruptedException {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                ingestor.ingestBuilt(events);
                storeFailure = null;
                progressNanos = System.nanoTime();
                return true;
            } catch (StoreException e) { // StoreBusyException included: the store asked to come back shortly
                storeFailure = String.valueOf(e.getMessage());
                if (System.nanoTime() - start > stallNanos || (closing && attempt >= 2)) {
                    LOG.warn("gateway events could not be stored: {}", e.getMessage());
                    return false;
                }
                if (attempt == 0) {
                    LOG.warn("gateway events could not be stored, retrying: {}", e.getMessage());
                }
                Thread.sleep(Math.min(1000, 50L * (attempt + 1)));
            }
        }
    }

    /** Adds the events of one call to {@code out}. */
    private void events(ProxiedCall call, List<StoredEvent> out) throws IOException {
        ObjectNode request = call.request;
        String user = call.userId != null ? call.userId : DEFAULT_USER;
        JsonNode messages = request.path("messages");
        ConversationKeys.Request fingerprints = call.runId == null ? runs.request(messages) : null;
        GatewayRuns.Placement placement = runs.place(call.runId, fingerprints != null ? fingerprints.prefixes()
                : List.of(), user, call.startMicros);
        String runId = placement.runId();
        if (placement.started()) {
            out.add(runStart(runId, user, call.startMicros, placement.previousRunId()));
        }
        String model = call.route.providerModel();
        String provider = call.route.provider().id();
        String requestId = newId();
        JsonGenerator p = writer.begin(requestId, runId, "llm.request", user, call.startMicros, null,
                call.route.model());
        p.writeStringField("model_name", model);
        p.writeStringField("provider", provider);
        p.writeStringField("prompt", lastUserText(messages));
        p.writeObjectFieldStart("parameters");
        for (Map.Entry<String, JsonNode> e : request.properties()) {
            if (!NOT_PARAMETERS.contains(e.getKey())) {
                p.writeFieldName(e.getKey());
                p.writeTree(e.getValue());
            }
        }
        p.writeEndObject();
        String system = systemMessage(messages);
        if (system != null) {
            p.writeStringField("system_message", system);
        } else {
            p.writeNullField("system_message");
        }
        p.writeFieldName("messages");
        p.writeTree(messages);
        if (request.hasNonNull("tools")) {
            p.writeFieldName("tools");
            p.writeTree(request.get("tools"));
        }
        if (request.hasNonNull("tool_choice")) {
            p.writeFieldName("tool_choice");
            p.writeTree(request.get("tool_choice"));
        }
        p.writeStringField("call_type", "chat");
        p.writeBooleanField("stream", call.stream);
        out.add(writer.end(new GatewayEvents.Columns(model, provider, null, null, null, null, null, false, "chat",
                null)));

        long elapsedMs = (call.endNanos - call.startNanos) / 1_000_000;
        if (call.failed()) {
            JsonGenerator e = writer.begin(newId(), runId, "error", user, call.endMicros, requestId,
                    call.route.model());
            e.writeStringField("error_type", call.errorType);
            e.writeStringField("error_message", call.errorMessage);
            e.writeStringField("error_code", String.valueOf(call.errorStatus));
            e.writeNullField("stack_trace");
            e.writeObjectFieldStart("context");
            e.writeNumberField("status", call.errorStatus);
            e.writeStringField("model_name", model);
            e.writeStringField("provider", provider);
            e.writeStringField("gateway_model", call.route.model());
            e.writeNumberField("response_time_ms", elapsedMs);
            if (call.errorBody != null) {
                e.writeStringField("upstream_body", call.errorBody);
            }
            e.writeEndObject();
            e.writeStringField("severity", "error");
            out.add(writer.end(new GatewayEvents.Columns(null, null, null, null, null, null, null, true, null,
                    null)));
            return;
        }
        Answer answer = call.stream ? Answer.of(call.chunks, mapper) : Answer.of(call.response, mapper);
        JsonGenerator r = writer.begin(newId(), runId, "llm.response", user, call.endMicros, requestId,
                call.route.model());
        r.writeStringField("model_name", model);
        r.writeStringField("provider", provider);
        r.writeStringField("response_text", answer.text());
        r.writeStringField("finish_reason", answer.finishReason());
        TokenUsage usage = usage(answer.usage());
        Long promptTokens = null;
        Long completionTokens = null;
        Long totalTokens = null;
        Double cost = null;
        if (usage != null) {
            r.writeObjectFieldStart("usage");
            for (Map.Entry<String, @Nullable Object> u : usage.toMap().entrySet()) {
                if (u.getValue() == null) {
                    r.writeNullField(u.getKey());
                } else {
                    r.writeNumberField(u.getKey(), ((Number) u.getValue()).longValue());
                }
            }
            r.writeEndObject();
            promptTokens = usage.promptTokens() == null ? null : usage.promptTokens().longValue();
            completionTokens = usage.completionTokens() == null ? null : usage.completionTokens().longValue();
            Object total = usage.toMap().get("total_tokens");
            totalTokens = total != null ? Long.valueOf(((Number) total).longValue())
                    : promptTokens != null || completionTokens != null
                    ? Long.valueOf((promptTokens == null ? 0 : promptTokens)
                            + (completionTokens == null ? 0 : completionTokens))
                    : null;
            ModelPrice price = prices.price(answer.model() != null ? answer.model() : model);
            if (price == null) {
                price = prices.price(model);
            }
            cost = price == null ? null : price.cost(usage);
            if (cost != null) {
                r.writeNumberField("cost", cost);
            } else {
                r.writeNullField("cost");
            }
        } else {
            r.writeNullField("usage");
            r.writeNullField("cost");
        }
        r.writeNumberField("response_time_ms", elapsedMs);
        r.writeFieldName("response_message");
        r.writeTree(answer.message());
        Double ttft = null;
        if (call.stream && call.firstTokenNanos != 0) {
            long ms = (call.firstTokenNanos - call.startNanos) / 1_000_000;
            r.writeNumberField("time_to_first_token_ms", ms);
            ttft = (double) ms;
        }
        if (answer.id() != null) {
            r.writeStringField("response_id", answer.id());
        }
        if (answer.model() != null) {
            r.writeStringField("response_model", answer.model());
        }
        // The schema's rule: an answer that finished with "error" is an error.
        out.add(writer.end(new GatewayEvents.Columns(model, provider, promptTokens, completionTokens, totalTokens,
                cost, (double) elapsedMs, "error".equals(answer.finishReason()), null, ttft)));
        if (fingerprints != null) {
            // Only runs the gateway threads: a header's run belongs to the application, which ends it.
            runs.remember(fingerprints.withAnswer(answer.message()), runId, call.endMicros);
        }
    }

    private StoredEvent runStart(String runId, String user, long micros, @Nullable String previousRunId)
            throws IOException {
        JsonGenerator p = writer.begin(newId(), runId, "run.start", user, micros, null, null);
        p.writeStringField("session_id", runId);
        p.writeStringField("session_type", "gateway");
        p.writeObjectFieldStart("initial_context");
        p.writeStringField("source", "gateway");
        p.writeStringField("kind", "conversation");
        if (previousRunId != null) {
            p.writeStringField("previous_run_id", previousRunId);
        }
        p.writeEndObject();
        return writer.end(GatewayEvents.Columns.NONE);
    }

    private StoredEvent runEnd(ConversationStore.OpenRun run) throws IOException {
        long at = Math.max(run.lastMicros(), run.startedMicros()) + 1;
        long durationMs = (run.lastMicros() - run.startedMicros()) / 1000;
        JsonGenerator p = writer.begin(newId(), run.runId(), "run.end", run.userId(), at, null, null);
        p.writeStringField("session_id", run.runId());
        p.writeNumberField("session_duration_ms", durationMs);
        p.writeNullField("session_summary");
        p.writeStringField("exit_reason", "idle");
        return writer.end(GatewayEvents.Columns.latency(durationMs));
    }

    static @Nullable TokenUsage usage(@Nullable JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        Integer prompt = intOrNull(usage.get("prompt_tokens"));
        Integer completion = intOrNull(usage.get("completion_tokens"));
        Integer total = intOrNull(usage.get("total_tokens"));
        Integer cached = intOrNull(usage.path("prompt_tokens_details").get("cached_tokens"));
        Integer reasoning = intOrNull(usage.path("completion_tokens_details").get("reasoning_tokens"));
        return new TokenUsage(prompt, completion, total, cached, reasoning);
    }

    private static @Nullable Integer intOrNull(@Nullable JsonNode n) {
        return n != null && n.canConvertToInt() && !n.isNull() ? n.asInt() : null;
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).path("role").asText().equals("user")) {
                return Anthropic.text(messages.get(i).get("content"));
            }
        }
        return "";
    }

    private static @Nullable String systemMessage(JsonNode messages) {
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                return Anthropic.text(m.get("content"));
            }
        }
        return null;
    }

    /**
     * A random (version 4) UUID from {@link java.util.concurrent.ThreadLocalRandom}: event and run ids need to be
     * unique, not unguessable, and {@link UUID#randomUUID()} reads the OS's secure generator under a lock.
     */
    static String newId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID for a new run: the run id keys several indexes (a run's events, the
     * runs table, the gateway's open runs), and random ids put every new run on a random page of each, so each
     * commit wrote a page per index per call and the cost grew with the database; ids that grow with time append at
     * the right edge instead, as the SDKs' timestamps do for the events index.
     */
    static String newRunId(long epochMillis) {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    static String timestamp(long micros) {
        return WireValues.iso(micros);
    }

    /** Records what is queued (bounded by a few seconds), then stops the thread. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
