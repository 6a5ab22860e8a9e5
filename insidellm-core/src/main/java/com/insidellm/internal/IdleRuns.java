package com.insidellm.internal;

import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.Payload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs an integration starts itself (automatic threading, chat memory ids, standalone calls): each ends with
 * {@code run.end} ({@code exit_reason "idle"}) once nothing was recorded in it for the idle timeout, and with
 * {@code "client_closed"} when the integration closes. A conversation that continues after its run ended gets a new
 * run whose {@code run.start} names the previous one ({@code initial_context.previous_run_id}); later turns of it
 * find the new run.
 *
 * <p>Idle runs are ended by the integration's one daemon thread (named by the integration), started lazily, that
 * looks every {@code min(timeout / 4, 1 minute)}; at most {@value #MAX_OPEN} runs are watched (beyond, the least recently
 * used quarter ends); the same thread does the work {@link #later} takes off callers. Runs the application started (a tracker, an annotated method) are
 * never ended here. Thread-safe.
 */
public class IdleRuns implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IdleRuns.class);
    private static final int MAX_ENDED = 10_000;
    /** How long started runs wait before the background thread moves them into {@link #active}. */
    private static final long START_DELAY_MILLIS = 20;
    /**
     * The most runs watched at once; beyond it the least recently used quarter ends early, as if idle (an application
     * starting many one-call conversations would otherwise hold every run for the whole timeout).
     */
    public static final int MAX_OPEN = 10_000;

    private final CallRecorder recorder;
    /** The {@code run_type} and {@code initial_context.source} of the runs started here, e.g. {@code langchain4j}. */
    private final String runType;
    /** The name of the background thread. */
    private final String threadName;
    private final Clock clock;
    private final long idleMillis;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    /**
     * Runs started and not yet in {@link #active}: a caller starting a run only appends it here, and the background
     * thread moves it into the map a moment later, because inserting into a map of thousands of runs (one per
     * conversation) cost the caller a cache miss or two. Every reader of {@link #active} moves them first.
     */
    private final ConcurrentLinkedQueue<Active> starting = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean startingScheduled = new AtomicBoolean();
    /** Ended run -> the run that continues it; bounded, least recently used first out. */
    private final Map<String, String> successors = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_ENDED;
                }
            });
    /** Runs this module ended; bounded like {@link #successors}. */
    private final Set<String> ended = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_ENDED;
                }
            }));
    /**
     * The {@code initial_context} of the last kind of new run started. A plain field (no fence on the caller's path):
     * the holder is immutable, and racing threads only replace each other's.
     */
    private @Nullable StartContext lastContext;
    private final Object lock = new Object();
    private final AtomicBoolean evicting = new AtomicBoolean();
    private volatile @Nullable ScheduledExecutorService sweeper;
    private boolean closed;

    /**
     * Returns {@code idleTimeout} if it is a valid idle timeout for automatic runs (1 second to 30 days), the one rule
     * of every integration's {@code runIdleTimeout} option.
     */
    public static Duration checkIdleTimeout(Duration idleTimeout) {
        java.util.Objects.requireNonNull(idleTimeout, "runIdleTimeout");
        if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0 || idleTimeout.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("runIdleTimeout must be between 1 second and 30 days, but was "
                    + idleTimeout);
        }
        return idleTimeout;
    }

    /**
     * @param runType the runs' {@code run_type} and {@code initial_context.source}
     * @param threadName the name of the one background thread, started lazily
     */
    public IdleRuns(CallRecorder recorder, Duration idleTimeout, Clock clock, String runType, String threadName) {
        this.recorder = recorder;
        this.runType = runType;
        this.threadName = threadName;
        this.clock = clock;
        this.idleMillis = idleTimeout.toMillis();
    }

    /** Starts run {@code runId} (logs its {@code run.start}) and watches it for idleness. */
    public void start(String runId, String userId, Instant at, String kind, @Nullable String previousRunId) {
        startWatched(runId, userId, at, kind, previousRunId);
    }

    /**
     * Like {@link #start}, returning what notes activity in the run as {@link #touch} does, without looking it up.
     */
    public Runnable startWatched(String runId, String userId, Instant at, String kind,
            @Nullable String previousRunId) {
        Map<String, Object> context;
        if (previousRunId == null) {
            // The same for every new conversation of a kind: built once (immutable, so events may share it).
            StartContext known = lastContext;
            if (known == null || !known.kind().equals(kind)) {
                known = new StartContext(kind, Map.of("source", runType, "kind", kind));
                lastContext = known;
            }
            context = known.context();
        } else {
            context = Map.of("source", runType, "kind", kind, "previous_run_id", previousRunId);
        }
        Active run = new Active(runId, userId, at, clock.millis());
        starting.offer(run);
        startSweeper();
        if (startingScheduled.compareAndSet(false, true)) {
            // One move per burst of starts, as AutoThreading's fingerprinting.
            later(() -> {
                startingScheduled.set(false);
                watchStarted();
            }, START_DELAY_MILLIS);
        }
        recorder.log(runId, userId, null, Event.builder(EventType.RUN_START).timestamp(at)
                .payload(new Payload.RunStart(runId, runType, context)));
        return () -> run.use(clock.millis());
    }

    /** Moves the runs started since the last call into {@link #active}; ends the least recently used when too many. */
    private void watchStarted() {
        if (starting.isEmpty()) {
            return;
        }
        // Into the map first, then out of the queue: a reader on another thread must find a started run in one of
        // the two at every moment (polling first left a window in which the run was in neither, and a next turn
        // of its conversation, finding it closed, started a new run). Racing movers put the same run twice.
        for (Active run : starting) {
            active.put(run.runId, run);
            starting.remove(run);
        }
        if (active.size() > MAX_OPEN && evicting.compareAndSet(false, true)) {
            // On the background thread: ending a quarter of the runs logs thousands of run.end events.
            later(() -> {
                try {
                    endLeastRecentlyUsed();
                } finally {
                    evicting.set(false);
                }
            }, 0);
        }
    }

    /**
     * The run that continues {@code runId} (found by threading or a memory id): {@code runId} itself unless this
     * module ended it; else the newest run continuing it, or a new one started now.
     */
    public String continueRun(String runId, String userId, String kind) {
        watchStarted();
        String current = runId;
        for (int hops = 0; hops < 64; hops++) {
            String next = successors.get(current);
            if (next == null) {
                break;
            }
            current = next;
        }
        Active run = active.get(current);
        if (run != null ? run.use(clock.millis()) : !ended.contains(current)) {
            // Open, or not started here (the application's own run, or one from before a restart): continued.
            return current;
        }
        synchronized (lock) {
            String raced = successors.get(current);
            if (raced != null) {
                return raced;
            }
            String next = recorder.newRunId();
            successors.put(current, next);
            start(next, userId, clock.instant(), kind, current);
            return next;
        }
    }

    /** Notes activity in {@code runId}, if it is one of the watched runs. */
    public void touch(String runId) {
        watchStarted();
        Active run = active.get(runId);
        if (run != null) {
            run.use(clock.millis());
        }
    }

    /** Whether {@code runId} is a run this module started and has not ended. */
    public boolean isOpen(String runId) {
        watchStarted();
        return active.containsKey(runId);
    }

    /** Ends every watched run idle for the timeout or longer; returns how many. */
    public int endIdle() {
        watchStarted();
        long now = clock.millis();
        int ended = 0;
        for (Active run : active.values()) {
            if (run.endIfIdle(now, idleMillis)) {
                end(run, "idle", true);
                ended++;
            }
        }
        return ended;
    }

    /**
     * Logs the run's end. An idle run ended with its last event, so that is its end and duration (as a web-analytics
     * session's); a run closed with the integration ends now.
     */
    /** Ends the least recently used quarter, so that the (sorting) work is done once per {@code MAX_OPEN / 4} starts. */
    private void endLeastRecentlyUsed() {
        watchStarted();
        synchronized (lock) {
            List<Active> runs = new ArrayList<>(active.values());
            int excess = runs.size() - MAX_OPEN * 3 / 4;
            if (excess <= 0) {
                return;
            }
            long[] used = new long[runs.size()];
            for (int i = 0; i < used.length; i++) {
                used[i] = runs.get(i).lastUsed;
            }
            java.util.Arrays.sort(used);
            long cutoff = used[excess - 1];
            int ended = 0;
            for (Active run : runs) {
                if (ended < excess && run.lastUsed <= cutoff && run.endNow()) {
                    end(run, "idle", true);
                    ended++;
                }
            }
        }
    }

    private void end(Active run, String reason, boolean atLastUse) {
        ended.add(run.runId);
        active.remove(run.runId, run);
        Instant at = atLastUse ? Instant.ofEpochMilli(run.lastUsedMillis()) : clock.instant();
        if (at.isBefore(run.startedAt)) {
            at = run.startedAt;
        }
        recorder.log(run.runId, run.userId, null, Event.builder(EventType.RUN_END).timestamp(at)
                .payload(new Payload.RunEnd(run.runId, Duration.between(run.startedAt, at).toMillis(), null, reason)));
    }

    /**
     * Runs {@code task} on this module's background thread after {@code delayMillis} (work taken off the callers'
     * threads, such as fingerprinting conversations); runs it at once on the caller when the module is closed.
     */
    public void later(Runnable task, long delayMillis) {
        ScheduledExecutorService executor = startSweeper();
        if (executor == null) {
            task.run();
            return;
        }
        try {
            executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.debug("InsideLLM: {} background task failed", runType, e);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            task.run();
        }
    }

    private @Nullable ScheduledExecutorService startSweeper() {
        ScheduledExecutorService running = sweeper;
        if (running != null) {
            return running;
        }
        synchronized (lock) {
            if (sweeper != null || closed) {
                return sweeper;
            }
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, threadName);
                thread.setDaemon(true);
                thread.setContextClassLoader(null);
                thread.setUncaughtExceptionHandler((t, e) -> log.warn("InsideLLM: idle-run check failed", e));
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            long period = Math.max(1, Math.min(idleMillis / 4, TimeUnit.MINUTES.toMillis(1)));
            executor.scheduleWithFixedDelay(() -> {
                try {
                    endIdle();
                } catch (RuntimeException e) {
                    log.debug("InsideLLM: could not end idle {} runs", runType, e);
                }
            }, period, period, TimeUnit.MILLISECONDS);
            sweeper = executor;
            return executor;
        }
    }

    /** Ends every watched run ({@code client_closed}) and stops the idle check. Idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService executor;
        synchronized (lock) {
            closed = true;
            executor = sweeper;
            sweeper = null;
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        watchStarted();
        List<Active> open = new ArrayList<>(active.values());
        for (Active run : open) {
            if (run.endNow()) {
                end(run, "client_closed", false);
            }
        }
    }

    /** A kind of run and the {@code initial_context} of its new runs. */
    private record StartContext(String kind, Map<String, Object> context) {
    }

    /** One open run and when it was last used. */
    private static final class Active {
        final String runId;
        final String userId;
        final Instant startedAt;
        /** Written under the run's monitor; read without it only to pick runs to end early. */
        volatile long lastUsed;
        private boolean ended;

        Active(String runId, String userId, Instant startedAt, long now) {
            this.runId = runId;
            this.userId = userId;
            this.startedAt = startedAt;
            this.lastUsed = now;
        }

        /** Notes a use; false when the run has ended (a new one must continue it). */
        synchronized boolean use(long now) {
            if (ended) {
                return false;
            }
            lastUsed = Math.max(lastUsed, now);
            return true;
        }

        long lastUsedMillis() {
            return lastUsed;
        }

        synchronized boolean endIfIdle(long now, long idleMillis) {
            if (ended || now - lastUsed < idleMillis) {
                return false;
            }
            ended = true;
            return true;
        }

        synchronized boolean endNow() {
            if (ended) {
                return false;
            }
            ended = true;
            return true;
        }
    }
}
