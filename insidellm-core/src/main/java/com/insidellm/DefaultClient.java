package com.insidellm;

import com.insidellm.internal.Ids;
import com.insidellm.internal.MpscArrayQueue;
import com.insidellm.internal.WireJson;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real client: a lock-free bounded queue in front of two lazily started threads. The flusher takes events off
 * the queue, processes, serialises and batches them; the sender delivers each batch. The flusher prepares the next
 * batch while the sender waits for the answer to the last one and hands it over once the sender is free, so at most
 * two batches are outside the queue, and batches are sent one after another, in order. See
 * {@link InsideLlmClient} for the guarantees.
 */
final class DefaultClient implements InsideLlmClient {

    private static final Logger log = LoggerFactory.getLogger(DefaultClient.class);
    private static final AtomicInteger FLUSHER_IDS = new AtomicInteger();
    private static final AtomicInteger SENDER_IDS = new AtomicInteger();
    /** How often the flusher, waiting to hand over a batch, checks that the sender is still alive. */
    private static final long SENDER_CHECK_MILLIS = 1000;
    private static final long REPORT_INTERVAL_NANOS = Duration.ofSeconds(30).toNanos();
    /** Runs whose run.end never came are forgotten beyond this many, oldest first. */
    private static final int MAX_OPEN_RUNS = 100_000;

    private final Config config;
    private final MpscArrayQueue<Event> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final LongAdder queued = new LongAdder();
    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong batchesFailed = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final List<Delivery> deliveries;
    private final Map<String, RunState> runs = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final Object consumerLock = new Object();
    private final Object progress = new Object();
    private final Object wakeup = new Object();
    /** Held around every DeliveryListener call: the flusher and the sender both report, one call at a time. */
    private final Object listenerLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final @Nullable Thread shutdownHook;
    private final long[] reportedToListener = new long[DropReason.values().length];
    private final long[] reportedToLog = new long[DropReason.values().length];

    private volatile @Nullable Thread flusher;
    private volatile boolean flushRequested;
    private volatile long completed;
    /** The highest queue sequence number of an event that was consumed but not delivered. */
    private final AtomicLong lastUndeliveredSeq = new AtomicLong(-1);
    /** Guards {@link #prepared}, {@link #sending} and {@link #senderStop}: the flusher-to-sender hand-over. */
    private final Object handoff = new Object();
    private @Nullable PreparedBatch prepared;
    private boolean sending;
    private boolean senderStop;
    private volatile @Nullable Thread sender;
    private boolean interruptLogged;
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile @Nullable String lastError;
    private volatile boolean terminated;
    private long lastDropLogNanos;
    private long lastFailureLogNanos;
    private long failuresSinceLog;

    DefaultClient(Config config) {
        this.config = config;
        this.queue = new MpscArrayQueue<>(config.maxQueueSize);
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
        List<EventExporter> exporters = new ArrayList<>();
        if (config.localMode) {
            exporters.add(LocalFileExporter.create(config.localDirectory));
        } else if (config.apiKey != null) {
            exporters.add(new HttpExporter(config.httpClient, config.baseUrl, config.apiKey, config.requestTimeout,
                    config.gzip, config.clock));
        }
        exporters.addAll(config.exporters);
        List<Delivery> list = new ArrayList<>(exporters.size());
        for (EventExporter exporter : exporters) {
            list.add(new Delivery(exporter, config, System::nanoTime));
        }
        this.deliveries = List.copyOf(list);
        if (config.shutdownHook) {
            Thread hook = new Thread(() -> close(config.closeTimeout), "insidellm-shutdown-hook");
            hook.setContextClassLoader(null);
            Runtime.getRuntime().addShutdownHook(hook);
            this.shutdownHook = hook;
        } else {
            this.shutdownHook = null;
        }
    }

    // ---------------------------------------------------------------- recording (caller threads)

    @Override
    public boolean logEvent(Event event) {
        if (event == null) {
            return refuse(DropReason.INVALID_EVENT, "event is null");
        }
        if (closed.get()) {
            return refuse(DropReason.CLIENT_CLOSED, "the client is closed");
        }
        int bytes = event.estimatedBytes();
        if (queuedBytes.addAndGet(bytes) > config.maxQueueBytes) {
            queuedBytes.addAndGet(-bytes);
            return refuse(DropReason.QUEUE_FULL, "the queue is at its byte limit");
        }
        long seq = queue.offer(event);
        if (seq < 0 && config.dropPolicy == DropPolicy.DROP_OLDEST) {
            seq = evictOldestAndOffer(event);
        }
        if (seq < 0) {
            queuedBytes.addAndGet(-bytes);
            return refuse(DropReason.QUEUE_FULL, "the queue is full");
        }
        queued.increment();
        Thread thread = flusher;
        if (thread == null) {
            thread = startFlusher();
        }
        if ((seq + 1) % config.batchSize == 0) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    private long evictOldestAndOffer(Event event) {
        synchronized (consumerLock) {
            long victimSeq = queue.consumedCount();
            Event victim = queue.poll();
            if (victim != null) {
                queuedBytes.addAndGet(-victim.estimatedBytes());
                dropped[DropReason.QUEUE_FULL.ordinal()].increment();
                noteUndelivered(victimSeq);
            }
        }
        return queue.offer(event);
    }

    private boolean refuse(DropReason reason, String why) {
        dropped[reason.ordinal()].increment();
        if (config.strict) {
            throw new InsideLlmException("InsideLLM did not accept the event: " + why + " (" + reason + ")");
        }
        log.debug("Dropped an event: {}", why);
        return false;
    }

    /** Counts an event a tracker could not build (a bad argument) as invalid; throws in strict mode. */
    void rejectInvalid(RuntimeException cause) {
        if (config.strict && cause instanceof IllegalArgumentException) {
            throw cause;
        }
        refuse(DropReason.INVALID_EVENT, cause.toString());
    }

    @Override
    public String startRun(String userId) {
        return startRun(null, userId, null);
    }

    @Override
    public String startRun(@Nullable String runId, String userId, @Nullable Map<String, ?> metadata) {
        String id = runId == null ? Ids.randomUuid() : runId;
        Event start;
        try {
            Event.Builder builder = Event.builder(EventType.RUN_START).runId(id).userId(userId)
                    .payload(new Payload.RunStart(id, null, metadata == null || metadata.isEmpty() ? null : metadata));
            start = builder.build();
        } catch (RuntimeException e) {
            if (config.strict) {
                throw e;
            }
            refuse(DropReason.INVALID_EVENT, "run.start: " + e.getMessage());
            return id;
        }
        Map<String, Object> flat = null;
        if (metadata != null && !metadata.isEmpty()) {
            // Validate and flatten through the event builder's rules, once, on start.
            Event.Builder probe = Event.builder(EventType.CUSTOM_EVENT).runId(id).userId(userId)
                    .payload(new Payload.Custom("metadata", null));
            try {
                probe.metadata(metadata);
                flat = probe.build().metadata();
                if (flat != null && config.redaction != null) {
                    // Run metadata is merged into every event at serialisation, after the processors: redact it once.
                    flat = config.redaction.redactMetadata(flat);
                }
            } catch (RuntimeException e) {
                if (config.strict) {
                    throw e;
                }
                log.debug("Run metadata ignored: {}", e.getMessage());
            }
        }
        if (runs.size() >= MAX_OPEN_RUNS) {
            forgetOldestRun();
        }
        runs.put(start.runId(), new RunState(userId, System.nanoTime(), flat));
        logEvent(start);
        return start.runId();
    }

    private void forgetOldestRun() {
        String oldest = null;
        long oldestStart = Long.MAX_VALUE;
        for (Map.Entry<String, RunState> entry : runs.entrySet()) {
            if (entry.getValue().startNanos < oldestStart) {
                oldestStart = entry.getValue().startNanos;
                oldest = entry.getKey();
            }
        }
        if (oldest != null) {
            runs.remove(oldest);
            log.debug("More than {} runs open at once; forgot the oldest one", MAX_OPEN_RUNS);
        }
    }

    @Override
    public void endRun(String runId) {
        endRun(runId, null);
    }

    @Override
    public void endRun(String runId, @Nullable String exitReason) {
        String id = runId == null ? null : Ids.canonicalUuidOrNull(runId);
        RunState state = id == null ? null : runs.get(id);
        if (state == null || state.ended) {
            if (config.strict) {
                throw new InsideLlmException("endRun: no open run with id " + runId);
            }
            log.debug("endRun for an unknown or already ended run {}", runId);
            return;
        }
        state.ended = true;
        long durationMs = (System.nanoTime() - state.startNanos) / 1_000_000;
        logEvent(Event.builder(EventType.RUN_END).runId(id).userId(state.userId)
                .payload(new Payload.RunEnd(id, durationMs, null, exitReason)).build());
    }

    // ---------------------------------------------------------------- flushing and lifecycle

    @Override
    public boolean flush(Duration timeout) {
        Thread thread = flusher;
        if (Thread.currentThread() == thread || Thread.currentThread() == sender) {
            return false;
        }
        long target = queue.producedCount();
        long start = completed;
        if (start >= target) {
            return true;
        }
        flushRequested = true;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (completed < target) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || terminated) {
                    break;
                }
                try {
                    progress.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return completed >= target && lastUndeliveredSeq.get() < start;
    }

    @Override
    public void close() {
        close(config.closeTimeout);
    }

    @Override
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            awaitTermination(timeout);
            return;
        }
        closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
        Thread thread;
        synchronized (lock) {
            thread = flusher;
        }
        if (thread != null) {
            LockSupport.unpark(thread);
            synchronized (wakeup) {
                wakeup.notifyAll();
            }
            awaitTermination(timeout.plusMillis(200));
            if (thread.isAlive()) {
                // Out of time with a request still in flight (a server that accepts but never answers would hold
                // the flusher for the whole request timeout): cancel it so the flusher can count what is left and end.
                for (Delivery delivery : deliveries) {
                    if (delivery.exporter() instanceof HttpExporter http) {
                        http.cancelInFlight();
                    }
                }
                LockSupport.unpark(thread);
                awaitTermination(Duration.ofMillis(500));
            }
            if (thread.isAlive()) {
                log.warn("InsideLLM: close() timed out after {} ms with a delivery still in progress",
                        timeout.toMillis());
            }
        } else {
            finishTermination();
        }
        Thread hook = shutdownHook;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting; the hook is running or has run
            }
        }
    }

    private void awaitTermination(Duration timeout) {
        Thread thread = flusher;
        if (thread == null || Thread.currentThread() == thread || Thread.currentThread() == sender) {
            return;
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread startFlusher() {
        synchronized (lock) {
            Thread thread = flusher;
            if (thread == null) {
                thread = daemon(this::runFlusher, "insidellm-flusher-" + FLUSHER_IDS.incrementAndGet());
                flusher = thread;
                thread.start();
            }
            return thread;
        }
    }

    private void startSender() {
        Thread thread = daemon(this::runSender, "insidellm-sender-" + SENDER_IDS.incrementAndGet());
        sender = thread;
        thread.start();
    }

    /** A daemon thread that holds no class loader of the application's (so a redeployed app can be collected). */
    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.setUncaughtExceptionHandler((t, e) -> log.error("InsideLLM thread {} died", t.getName(), e));
        return thread;
    }

    @Override
    public ClientStats stats() {
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            long count = dropped[reason.ordinal()].sum();
            byReason.put(reason, count);
            total += count;
        }
        return new ClientStats(queued.sum(), sent.get(), failed.get(), total, queue.size(), config.maxQueueSize, byReason,
                batchesSent.get(), batchesFailed.get(), retries.get(), lastError, isHealthy());
    }

    @Override
    public boolean isHealthy() {
        for (Delivery delivery : deliveries) {
            if (!delivery.isHealthy()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Map<String, String> circuitStates() {
        Map<String, String> states = new LinkedHashMap<>();
        for (Delivery delivery : deliveries) {
            states.put(delivery.exporter().name(), delivery.circuitState());
        }
        return states;
    }

    /** Runs whose state the client still holds, for tests. */
    int openRuns() {
        return runs.size();
    }

    // ---------------------------------------------------------------- the flusher thread

    private void runFlusher() {
        long intervalNanos = config.flushInterval.toNanos();
        long nextDue = System.nanoTime() + intervalNanos;
        List<Event> drained = new ArrayList<>(config.batchSize);
        try {
            while (true) {
                if (Thread.interrupted()) {
                    ignoreInterrupt();
                }
                boolean closing = closed.get();
                long now = System.nanoTime();
                if (closing && pastCloseDeadline()) {
                    // close() ran out of time: what is still queued is counted as shutdown_timeout on the way out,
                    // rather than each remaining batch getting one more attempt that could block.
                    return;
                }
                int size = queue.size();
                if (size == 0) {
                    markCompleted();
                    reportDrops(now);
                    if (closing) {
                        return;
                    }
                    flushRequested = false;
                    if (now >= nextDue) {
                        nextDue = now + intervalNanos;
                    }
                    LockSupport.parkNanos(this, nextDue - now);
                    continue;
                }
                boolean due = size >= config.batchSize || closing || flushRequested || now >= nextDue;
                if (!due) {
                    LockSupport.parkNanos(this, nextDue - now);
                    continue;
                }
                if (!closing && allPaused()) {
                    // Every destination's circuit is open: leave events in the bounded queue instead of spending
                    // CPU on a backend that is down.
                    LockSupport.parkNanos(this, Math.min(minPauseRemaining(), intervalNanos));
                    if (!closing && allPaused()) {
                        markCompleted();
                        reportDrops(System.nanoTime());
                        continue;
                    }
                }
                try {
                    drainAndDeliver(drained);
                } catch (RuntimeException | Error e) {
                    lastError = "internal error: " + e;
                    // Some of the drained events may not have reached the sender: flush() must not report success.
                    noteUndelivered(queue.consumedCount() - 1);
                    log.error("InsideLLM: unexpected error while delivering events; continuing", e);
                } finally {
                    drained.clear();
                }
                markCompleted();
                if (queue.size() < config.batchSize) {
                    nextDue = System.nanoTime() + intervalNanos;
                }
            }
        } finally {
            stopSender();
            finishTermination();
        }
    }

    // ---------------------------------------------------------------- the sender thread

    /**
     * A batch ready to send. {@code lastSeq} is the queue sequence number of the last event of the drain it came
     * from; {@code watermark} is the sequence number up to which (exclusive) every event is settled once it is sent.
     */
    private record PreparedBatch(EventBatch batch, long lastSeq, long watermark) {}

    /**
     * Gives the sender this batch and waits until it has taken it, so that the flusher prepares the next batch while
     * this one is being sent, and never holds more than that one. Called by the flusher; not interruptible (see
     * {@link #ignoreInterrupt}).
     */
    private void handOff(EventBatch batch, long lastSeq, long watermark) {
        if (sender == null) {
            startSender();
        }
        for (Delivery delivery : deliveries) {
            if (delivery.exporter() instanceof HttpExporter http) {
                http.prepare(batch);
            }
        }
        PreparedBatch next = new PreparedBatch(batch, lastSeq, watermark);
        boolean interrupted = false;
        synchronized (handoff) {
            while (prepared != null) {
                interrupted |= awaitSender();
            }
            prepared = next;
            handoff.notifyAll();
            while (prepared == next) {
                interrupted |= awaitSender();
            }
        }
        if (interrupted) {
            ignoreInterrupt();
        }
    }

    /** Waits on {@link #handoff} (held) for a while, replacing the sender if it died; true if interrupted. */
    private boolean awaitSender() {
        boolean interrupted = false;
        try {
            handoff.wait(SENDER_CHECK_MILLIS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        Thread thread = sender;
        if (prepared != null && (thread == null || !thread.isAlive())) {
            // Only an interrupt from outside ends the sender early; delivery must go on regardless.
            log.warn("InsideLLM sender thread ended unexpectedly; starting a new one");
            startSender();
        }
        return interrupted;
    }

    /**
     * The client's threads stop when the client is closed, never on an interrupt: an interrupt from outside (a
     * framework interrupting every thread it sees) is logged once and otherwise ignored, so that no batch is
     * abandoned half-way and the flusher does not spin on a pending interrupt.
     */
    private void ignoreInterrupt() {
        if (!interruptLogged) {
            interruptLogged = true;
            log.warn("InsideLLM: the flusher thread was interrupted; ignored (close() the client to stop it)");
        }
    }

    private void runSender() {
        while (true) {
            PreparedBatch next;
            synchronized (handoff) {
                while (prepared == null && !senderStop) {
                    try {
                        handoff.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                next = prepared;
                if (next == null) {
                    return;
                }
                prepared = null;
                sending = true;
                handoff.notifyAll();
            }
            try {
                if (closed.get() && pastCloseDeadline()) {
                    // close() ran out of time: counted as shutdown_timeout, like what is still queued.
                    dropped[DropReason.SHUTDOWN_TIMEOUT.ordinal()].add(next.batch().size());
                    noteUndelivered(next.lastSeq());
                } else {
                    deliver(next.batch(), next.lastSeq());
                }
            } catch (InterruptedException e) {
                // Interrupted from outside while waiting out a backoff: this batch is given up, counted as failed;
                // the flusher starts a new sender for the next one.
                failed.addAndGet(next.batch().size());
                lastError = "delivery interrupted";
                noteUndelivered(next.lastSeq());
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                lastError = "internal error: " + e;
                noteUndelivered(next.lastSeq());
                log.error("InsideLLM: unexpected error while delivering events; continuing", e);
            } finally {
                synchronized (handoff) {
                    sending = false;
                    handoff.notifyAll();
                }
                advanceCompleted(next.watermark());
                Thread thread = flusher;
                if (thread != null) {
                    // Events the flusher settled without sending (filtered, dropped) may now be marked completed too.
                    LockSupport.unpark(thread);
                }
            }
        }
    }

    /** Lets the sender deliver what it was given, then waits for it to end. Called by the flusher as it ends. */
    private void stopSender() {
        Thread thread = sender;
        if (thread == null) {
            return;
        }
        synchronized (handoff) {
            senderStop = true;
            handoff.notifyAll();
        }
        // close() bounds this: past its deadline the sender counts what is left instead of sending it, and close()
        // cancels a request still in flight. Not interruptible: ending before the sender would close the exporters
        // under it.
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                ignoreInterrupt();
            }
        }
    }

    /** Whether close() has begun and its deadline has passed. */
    private boolean pastCloseDeadline() {
        long deadline = closeDeadlineNanos;
        return deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
    }

    private void noteUndelivered(long seq) {
        lastUndeliveredSeq.accumulateAndGet(seq, Math::max);
    }

    private void finishTermination() {
        synchronized (lock) {
            if (terminated) {
                return;
            }
            // Whatever is still queued (close ran out of time) is counted, not silently lost.
            long leftover = 0;
            synchronized (consumerLock) {
                Event e;
                while ((e = queue.poll()) != null) {
                    queuedBytes.addAndGet(-e.estimatedBytes());
                    leftover++;
                }
            }
            if (leftover > 0) {
                dropped[DropReason.SHUTDOWN_TIMEOUT.ordinal()].add(leftover);
                noteUndelivered(queue.consumedCount() - 1);
                log.warn("InsideLLM: {} events were still queued when close() timed out and were not delivered",
                        leftover);
            }
            reportDrops(System.nanoTime() + REPORT_INTERVAL_NANOS * 2);
            for (Delivery delivery : deliveries) {
                try {
                    delivery.exporter().close();
                } catch (RuntimeException e) {
                    log.warn("InsideLLM: closing exporter {} failed", delivery.exporter().name(), e);
                }
            }
            terminated = true;
            completed = queue.consumedCount();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private boolean allPaused() {
        if (deliveries.isEmpty()) {
            return false;
        }
        for (Delivery delivery : deliveries) {
            if (!delivery.isPaused()) {
                return false;
            }
        }
        return true;
    }

    private long minPauseRemaining() {
        long min = Long.MAX_VALUE;
        for (Delivery delivery : deliveries) {
            min = Math.min(min, delivery.pauseRemainingNanos());
        }
        return Math.max(1_000_000, min);
    }

    /** Marks everything consumed so far as settled, unless the sender still has a batch (it marks its own). */
    private void markCompleted() {
        synchronized (handoff) {
            if (prepared != null || sending) {
                return;
            }
        }
        advanceCompleted(queue.consumedCount());
    }

    private void advanceCompleted(long watermark) {
        synchronized (progress) {
            if (watermark > completed) {
                completed = watermark;
            }
            progress.notifyAll();
        }
    }

    private Event poll() {
        if (config.dropPolicy == DropPolicy.DROP_OLDEST) {
            synchronized (consumerLock) {
                return queue.poll();
            }
        }
        return queue.poll();
    }

    private void drainAndDeliver(List<Event> drained) {
        long firstSeq = queue.consumedCount();
        Event event;
        while (drained.size() < config.batchSize && (event = poll()) != null) {
            queuedBytes.addAndGet(-event.estimatedBytes());
            drained.add(event);
        }
        long lastSeq = queue.consumedCount() - 1;
        List<Event> events = new ArrayList<>(drained.size());
        List<byte[]> json = new ArrayList<>(drained.size());
        long batchBytes = 0;
        for (int i = 0; i < drained.size(); i++) {
            Event original = drained.get(i);
            if (original.type() == EventType.LLM_RESPONSE && !observers.isEmpty()) {
                observeLlmResponse(original);
            }
            Event processed = process(original);
            if (processed == null) {
                continue;
            }
            byte[] bytes = serialize(processed);
            if (bytes == null) {
                noteUndelivered(lastSeq);
                continue;
            }
            if (bytes.length > config.maxEventBytes) {
                Event smaller = EventTruncator.truncate(processed, bytes.length, config.maxEventBytes);
                byte[] fitted = smaller == null ? null : serialize(smaller);
                if (fitted == null || fitted.length > config.maxEventBytes) {
                    if (smaller == null || fitted != null) { // a failed serialisation was counted already
                        drop(DropReason.EVENT_TOO_LARGE, processed, "its JSON is " + bytes.length + " bytes, over the "
                                + config.maxEventBytes + "-byte limit even with its longest strings truncated");
                    }
                    noteUndelivered(lastSeq);
                    continue;
                }
                log.debug("Truncated {} from {} to {} bytes", processed, bytes.length, fitted.length);
                processed = smaller;
                bytes = fitted;
            }
            if (!events.isEmpty() && batchBytes + bytes.length > config.maxBatchBytes) {
                handOff(new EventBatch(events, json), lastSeq, firstSeq + i);
                events = new ArrayList<>();
                json = new ArrayList<>();
                batchBytes = 0;
            }
            events.add(processed);
            json.add(bytes);
            batchBytes += bytes.length;
        }
        if (!events.isEmpty()) {
            handOff(new EventBatch(events, json), lastSeq, lastSeq + 1);
        }
        if (firstSeq > lastSeq) {
            return;
        }
        reportDrops(System.nanoTime());
    }

    private @Nullable Event process(Event event) {
        Event current = event;
        for (EventProcessor processor : config.processors) {
            try {
                current = processor.process(current);
            } catch (RuntimeException e) {
                drop(DropReason.PROCESSOR_ERROR, event, "processor " + processor.getClass().getName() + " threw "
                        + e.getClass().getName());
                forgetEndedRun(event);
                return null;
            }
            if (current == null) {
                dropped[DropReason.FILTERED.ordinal()].increment();
                forgetEndedRun(event);
                return null;
            }
        }
        return current;
    }

    /** A run.end that is not sent (sampled out, filtered) must still free its run's state. */
    private void forgetEndedRun(Event event) {
        if (event.type() == EventType.RUN_END) {
            runs.remove(event.runId());
        }
    }

    private byte @Nullable [] serialize(Event event) {
        RunState run = runs.get(event.runId());
        try {
            byte[] bytes = WireJson.writeEvent(event.eventId(), event.runId(), event.timestamp(),
                    event.type().wireValue(), event.userId(), event.parentEventId(), event.metadata(),
                    run == null ? null : run.metadata, event.payload());
            if (event.type() == EventType.RUN_END) {
                // Every earlier event of the run has been serialised (the queue is FIFO), so its state can go.
                runs.remove(event.runId());
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            drop(DropReason.SERIALIZATION_ERROR, event, e.getMessage());
            return null;
        }
    }

    private void drop(DropReason reason, Event event, @Nullable String why) {
        dropped[reason.ordinal()].increment();
        // The message names the event, never its content.
        log.debug("Dropped {} ({}): {}", event, reason, why);
    }

    private void deliver(EventBatch batch, long lastSeq) throws InterruptedException {
        Delivery.Outcome outcome = new Delivery.Outcome(batch.size());
        for (Delivery delivery : deliveries) {
            Delivery.Outcome own = new Delivery.Outcome(batch.size());
            long startNanos = System.nanoTime();
            delivery.deliver(batch, own, 0, closed.get() ? closeDeadlineNanos : Long.MAX_VALUE, this::awaitBackoff);
            if (!observers.isEmpty()) {
                observeExport(delivery, batch.size(), own.allDelivered(), System.nanoTime() - startNanos);
            }
            for (int i = 0; i < batch.size(); i++) {
                outcome.status[i] = (byte) Math.max(outcome.status[i], own.status[i]);
            }
            if (own.failure != null) {
                outcome.failure = delivery.exporter().name() + ": " + own.failure;
            }
            outcome.retries += own.retries;
        }
        retries.addAndGet(outcome.retries);
        List<Event> ok = new ArrayList<>(batch.size());
        List<Event> bad = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            switch (outcome.status[i]) {
                case Delivery.DELIVERED -> ok.add(batch.events().get(i));
                case Delivery.TOO_LARGE -> drop(DropReason.EVENT_TOO_LARGE, batch.events().get(i),
                        "refused alone as too large");
                case Delivery.SHUTDOWN -> drop(DropReason.SHUTDOWN_TIMEOUT, batch.events().get(i),
                        "close() timed out");
                default -> bad.add(batch.events().get(i));
            }
        }
        sent.addAndGet(ok.size());
        if (ok.size() == batch.size()) {
            batchesSent.incrementAndGet();
        } else {
            batchesFailed.incrementAndGet();
            noteUndelivered(lastSeq);
            lastError = outcome.failure;
            failed.addAndGet(bad.size());
            if (!bad.isEmpty()) {
                // Events cut off by close() are reported as shutdown_timeout drops, not as delivery failures.
                noteFailure(bad.size(), outcome.failure);
            }
        }
        if (!ok.isEmpty()) {
            try {
                synchronized (listenerLock) {
                    config.deliveryListener.onDelivered(List.copyOf(ok));
                }
            } catch (RuntimeException e) {
                log.warn("InsideLLM delivery listener threw from onDelivered; ignored", e);
            }
        }
        if (!bad.isEmpty()) {
            try {
                synchronized (listenerLock) {
                    config.deliveryListener.onFailed(List.copyOf(bad), String.valueOf(outcome.failure));
                }
            } catch (RuntimeException e) {
                log.warn("InsideLLM delivery listener threw from onFailed; ignored", e);
            }
        }
    }

    private void noteFailure(int events, @Nullable String failure) {
        failuresSinceLog += events;
        long now = System.nanoTime();
        if (lastFailureLogNanos == 0 || now - lastFailureLogNanos >= REPORT_INTERVAL_NANOS) {
            log.warn("InsideLLM: could not deliver {} events since last report; last error: {}", failuresSinceLog,
                    failure);
            lastFailureLogNanos = now;
            failuresSinceLog = 0;
        }
    }

    /** Waits out a backoff unless it would pass the deadline; close() cuts the wait short. */
    private boolean awaitBackoff(Duration delay, long deadlineNanos) throws InterruptedException {
        long effectiveDeadline = closed.get() ? Math.min(deadlineNanos, closeDeadlineNanos) : deadlineNanos;
        if (effectiveDeadline != Long.MAX_VALUE && System.nanoTime() + delay.toNanos() > effectiveDeadline) {
            return false;
        }
        if (config.sleeper != Sleeper.SYSTEM) {
            config.sleeper.sleep(delay);
            return true;
        }
        long end = System.nanoTime() + delay.toNanos();
        synchronized (wakeup) {
            while (true) {
                long remaining = end - System.nanoTime();
                if (remaining <= 0) {
                    return true;
                }
                if (closed.get() && System.nanoTime() + remaining > closeDeadlineNanos) {
                    return false;
                }
                wakeup.wait(Math.max(1, remaining / 1_000_000));
            }
        }
    }

    private void reportDrops(long now) {
        boolean logNow = lastDropLogNanos == 0 || now - lastDropLogNanos >= REPORT_INTERVAL_NANOS;
        StringBuilder summary = null;
        long total = 0;
        for (DropReason reason : DropReason.values()) {
            long count = dropped[reason.ordinal()].sum();
            long delta = count - reportedToListener[reason.ordinal()];
            if (delta > 0) {
                reportedToListener[reason.ordinal()] = count;
                try {
                    synchronized (listenerLock) {
                        config.deliveryListener.onDropped(reason, delta);
                    }
                } catch (RuntimeException e) {
                    log.warn("InsideLLM delivery listener threw from onDropped; ignored", e);
                }
            }
            long sinceLog = count - reportedToLog[reason.ordinal()];
            if (logNow && sinceLog > 0 && reason != DropReason.FILTERED) {
                reportedToLog[reason.ordinal()] = count;
                summary = (summary == null ? new StringBuilder() : summary.append(", "))
                        .append(sinceLog).append(' ').append(reason);
                total += sinceLog;
            }
        }
        if (summary != null) {
            lastDropLogNanos = now;
            log.warn("InsideLLM: dropped {} events since last report: {}", total, summary);
        }
    }

    // ---------------------------------------------------------------- observers (InsideLlmMetrics)

    private final List<ClientObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

    void addObserver(ClientObserver observer) {
        observers.add(observer);
    }

    /** The prices the client fills costs from, for metrics of events that carry no cost. */
    PriceTable prices() {
        return config.prices;
    }

    private void observeLlmResponse(Event event) {
        for (ClientObserver observer : observers) {
            try {
                observer.llmResponse(event);
            } catch (RuntimeException e) {
                log.debug("InsideLLM observer threw; ignored", e);
            }
        }
    }

    private void observeExport(Delivery delivery, int events, boolean success, long nanos) {
        for (ClientObserver observer : observers) {
            try {
                observer.exported(delivery.exporter().name(), events, success, nanos);
            } catch (RuntimeException e) {
                log.debug("InsideLLM observer threw; ignored", e);
            }
        }
    }

    @Override
    public String toString() {
        return "InsideLlmClient{exporters=" + deliveries.stream().map(d -> d.exporter().name()).toList() + "}";
    }

    /** What the client remembers about an open run. */
    private static final class RunState {
        final String userId;
        final long startNanos;
        final @Nullable Map<String, Object> metadata;
        volatile boolean ended;

        RunState(String userId, long startNanos, @Nullable Map<String, Object> metadata) {
            this.userId = userId;
            this.startNanos = startNanos;
            this.metadata = metadata;
        }
    }
}
