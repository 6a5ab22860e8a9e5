package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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

    private final Ingestor ingestor;
    private final GatewayRuns runs;
    private final Clock clock;
    private final long idleCheckMillis;
    private final CallEvents callEvents;
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
        this.clock = clock;
        this.runs = new GatewayRuns(conversations, keys, idle);
        this.callEvents = new CallEvents(mapper, runs);
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
                        callEvents.add(call, events);
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
                            events.add(callEvents.runEnd(run));
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
