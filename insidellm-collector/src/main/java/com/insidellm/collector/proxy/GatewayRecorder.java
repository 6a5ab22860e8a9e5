package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.ModelPrice;
import com.insidellm.PriceTable;
import com.insidellm.TokenUsage;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.ingest.WireValues;
import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoreException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * run.start}/{@code run.end} for the runs the gateway opens, through the collector's {@link Ingestor} — the same
 * validation and store as the SDK's events. Calls are queued by the serving threads and recorded by one background
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
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final int QUEUE_CAPACITY = 20_000;
    /**
     * How long the recorder may make no progress (a store that hangs or keeps failing) before a serving thread stops
     * waiting for room and forwards its call unrecorded; a store that is merely slow never gets near it.
     */
    static final java.time.Duration STALL_LIMIT = java.time.Duration.ofSeconds(10);
    private static final int BATCH = 512;
    /** How long the recorder lets calls gather before writing them. */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
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
                List<ObjectNode> events = new ArrayList<>(batch.size() * 2);
                for (ProxiedCall call : batch) {
                    try {
                        events(call, events);
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("could not record a gateway call", e);
                    }
                }
                long now = clock.millis();
                if (now - lastIdleCheck >= idleCheckMillis) {
                    lastIdleCheck = now;
                    for (ConversationStore.OpenRun run : runs.endIdle(now * 1000)) {
                        events.add(runEnd(run));
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
    private boolean ingest(List<ObjectNode> events) throws InterruptedException {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            try {
                Ingestor.Result result = ingestor.ingest(events);
                storeFailure = null;
                progressNanos = System.nanoTime();
                if (!result.rejected().isEmpty()) {
                    LOG.warn("{} gateway events were rejected, first: {}", result.rejected().size(),
                            result.rejected().get(0).reason());
                }
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
    private void events(ProxiedCall call, List<ObjectNode> out) throws IOException {
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
        String requestId = newId();
        ObjectNode req = event(requestId, runId, "llm.request", user, call.startMicros, null, call);
        ObjectNode p = req.putObject("payload");
        p.put("model_name", call.route.providerModel());
        p.put("provider", call.route.provider().id());
        p.put("prompt", lastUserText(messages));
        ObjectNode parameters = NODES.objectNode();
        request.fields().forEachRemaining(e -> {
            if (!NOT_PARAMETERS.contains(e.getKey())) {
                parameters.set(e.getKey(), e.getValue());
            }
        });
        p.set("parameters", parameters);
        p.set("system_message", systemMessage(messages));
        p.set("messages", messages);
        if (request.hasNonNull("tools")) {
            p.set("tools", request.get("tools"));
        }
        if (request.hasNonNull("tool_choice")) {
            p.set("tool_choice", request.get("tool_choice"));
        }
        p.put("call_type", "chat");
        p.put("stream", call.stream);
        out.add(req);

        long elapsedMs = (call.endNanos - call.startNanos) / 1_000_000;
        if (call.failed()) {
            ObjectNode err = event(newId(), runId, "error", user, call.endMicros, requestId, call);
            ObjectNode e = err.putObject("payload");
            e.put("error_type", call.errorType);
            e.put("error_message", call.errorMessage);
            e.put("error_code", String.valueOf(call.errorStatus));
            e.putNull("stack_trace");
            ObjectNode context = e.putObject("context");
            context.put("status", call.errorStatus);
            context.put("model_name", call.route.providerModel());
            context.put("provider", call.route.provider().id());
            context.put("gateway_model", call.route.model());
            context.put("response_time_ms", elapsedMs);
            if (call.errorBody != null) {
                context.put("upstream_body", call.errorBody);
            }
            e.put("severity", "error");
            out.add(err);
            return;
        }
        Answer answer = call.stream ? Answer.of(call.chunks, mapper) : Answer.of(call.response, mapper);
        ObjectNode res = event(newId(), runId, "llm.response", user, call.endMicros, requestId,
                call);
        ObjectNode r = res.putObject("payload");
        r.put("model_name", call.route.providerModel());
        r.put("provider", call.route.provider().id());
        r.put("response_text", answer.text());
        r.put("finish_reason", answer.finishReason());
        TokenUsage usage = usage(answer.usage());
        if (usage != null) {
            ObjectNode u = r.putObject("usage");
            usage.toMap().forEach((k, v) -> {
                if (v == null) {
                    u.putNull(k);
                } else {
                    u.put(k, ((Number) v).longValue());
                }
            });
            ModelPrice price = prices.price(answer.model() != null ? answer.model() : call.route.providerModel());
            if (price == null) {
                price = prices.price(call.route.providerModel());
            }
            Double cost = price == null ? null : price.cost(usage);
            if (cost != null) {
                r.put("cost", cost);
            } else {
                r.putNull("cost");
            }
        } else {
            r.putNull("usage");
            r.putNull("cost");
        }
        r.put("response_time_ms", elapsedMs);
        r.set("response_message", answer.message());
        if (call.stream && call.firstTokenNanos != 0) {
            r.put("time_to_first_token_ms", (call.firstTokenNanos - call.startNanos) / 1_000_000);
        }
        if (answer.id() != null) {
            r.put("response_id", answer.id());
        }
        if (answer.model() != null) {
            r.put("response_model", answer.model());
        }
        out.add(res);
        if (fingerprints != null) {
            // Only runs the gateway threads: a header's run belongs to the application, which ends it.
            runs.remember(fingerprints.withAnswer(answer.message()), runId, call.endMicros);
        }
    }

    private ObjectNode event(String eventId, String runId, String type, String user, long micros,
            @Nullable String parent, @Nullable ProxiedCall call) {
        ObjectNode e = NODES.objectNode();
        e.put("event_id", eventId);
        e.put("run_id", runId);
        e.put("timestamp", timestamp(micros));
        e.put("event_type", type);
        e.put("user_id", user);
        if (parent != null) {
            e.put("parent_event_id", parent);
        }
        ObjectNode metadata = e.putObject("metadata");
        metadata.put("source", "gateway");
        if (call != null) {
            metadata.put("gateway_model", call.route.model());
        }
        return e;
    }

    private ObjectNode runStart(String runId, String user, long micros, @Nullable String previousRunId) {
        ObjectNode e = event(newId(), runId, "run.start", user, micros, null, null);
        ObjectNode p = e.putObject("payload");
        p.put("session_id", runId);
        p.put("session_type", "gateway");
        ObjectNode context = p.putObject("initial_context");
        context.put("source", "gateway");
        context.put("kind", "conversation");
        if (previousRunId != null) {
            context.put("previous_run_id", previousRunId);
        }
        return e;
    }

    private ObjectNode runEnd(ConversationStore.OpenRun run) {
        long at = Math.max(run.lastMicros(), run.startedMicros()) + 1;
        ObjectNode e = event(newId(), run.runId(), "run.end", run.userId(), at, null, null);
        ObjectNode p = e.putObject("payload");
        p.put("session_id", run.runId());
        p.put("session_duration_ms", (run.lastMicros() - run.startedMicros()) / 1000);
        p.putNull("session_summary");
        p.put("exit_reason", "idle");
        return e;
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

    private static JsonNode systemMessage(JsonNode messages) {
        for (JsonNode m : messages) {
            String role = m.path("role").asText();
            if (role.equals("system") || role.equals("developer")) {
                return NODES.textNode(Anthropic.text(m.get("content")));
            }
        }
        return NODES.nullNode();
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
