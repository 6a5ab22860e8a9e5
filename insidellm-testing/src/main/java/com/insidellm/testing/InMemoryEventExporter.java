package com.insidellm.testing;

import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.EventType;
import com.insidellm.ExportResult;
import com.insidellm.InsideLlmClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An exporter that keeps every event it is given, in order, with its wire JSON, for tests; like OpenTelemetry's
 * {@code InMemoryLogRecordExporter}.
 *
 * <pre>{@code
 * InMemoryEventExporter exporter = InMemoryEventExporter.create();
 * InsideLlmClient client = InsideLlmClient.builder().addExporter(exporter).build();
 * // ... code under test records through client ...
 * Event response = exporter.awaitSingle(EventType.LLM_RESPONSE, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>After {@link #shutdown(Duration)} (the client closing) it refuses further batches and keeps them apart
 * ({@link #getEventsAfterShutdown()}), so a test can tell that nothing was sent to a destination that was gone.
 * Thread-safe: the client's sender exports while the test reads and waits.
 */
public final class InMemoryEventExporter implements EventExporter {

    /** How long the {@code await} methods wait when not told: {@value} seconds. */
    public static final long DEFAULT_AWAIT_SECONDS = 10;

    private final Object lock = new Object();
    private final List<Event> events = new ArrayList<>();
    private final List<String> json = new ArrayList<>();
    private final List<Event> afterShutdown = new ArrayList<>();
    private boolean shutdown;

    private InMemoryEventExporter() {
    }

    /** A new, empty exporter. */
    public static InMemoryEventExporter create() {
        return new InMemoryEventExporter();
    }

    /** Keeps the batch's events and their wire JSON; after shutdown, refuses them (they are kept apart). */
    @Override
    public ExportResult export(EventBatch batch) {
        synchronized (lock) {
            if (shutdown) {
                afterShutdown.addAll(batch.events());
                return ExportResult.rejected("the in-memory exporter is shut down");
            }
            events.addAll(batch.events());
            for (int i = 0; i < batch.size(); i++) {
                json.add(new String(batch.eventJson(i), StandardCharsets.UTF_8));
            }
            lock.notifyAll();
        }
        return ExportResult.success();
    }

    @Override
    public String name() {
        return "in-memory";
    }

    /** Marks the exporter shut down: later batches are refused. Keeps what it has. */
    @Override
    public ExportResult shutdown(Duration deadline) {
        synchronized (lock) {
            shutdown = true;
            lock.notifyAll();
        }
        return ExportResult.success();
    }

    /** Whether {@link #shutdown(Duration)} was called (the client closed). */
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    /** Every event exported so far, in order (an unmodifiable copy). */
    public List<Event> getFinishedEvents() {
        synchronized (lock) {
            return List.copyOf(events);
        }
    }

    /** The events of one type exported so far, in order. */
    public List<Event> getFinishedEvents(EventType type) {
        Objects.requireNonNull(type, "type");
        return getFinishedEvents().stream().filter(e -> e.type() == type).toList();
    }

    /** The wire JSON of every event exported so far, one object per element, in order. */
    public List<String> getFinishedJson() {
        synchronized (lock) {
            return List.copyOf(json);
        }
    }

    /** Events offered after the exporter was shut down, which a real destination would have lost. */
    public List<Event> getEventsAfterShutdown() {
        synchronized (lock) {
            return List.copyOf(afterShutdown);
        }
    }

    /** Forgets every event (and the shut-down state), for reuse between tests. */
    public void reset() {
        synchronized (lock) {
            events.clear();
            json.clear();
            afterShutdown.clear();
            shutdown = false;
        }
    }

    /**
     * Flushes {@code client} (at most {@link #DEFAULT_AWAIT_SECONDS} seconds) and returns every event exported.
     *
     * @throws AssertionError when the flush did not deliver everything
     */
    public List<Event> flushAndGet(InsideLlmClient client) {
        if (!client.flush(Duration.ofSeconds(DEFAULT_AWAIT_SECONDS))) {
            throw new AssertionError("InsideLLM client did not deliver every event within " + DEFAULT_AWAIT_SECONDS
                    + " s: " + client.stats());
        }
        return getFinishedEvents();
    }

    /**
     * Waits until at least {@code count} events were exported and returns them all.
     *
     * @throws AssertionError when fewer arrived within {@code timeout}
     */
    public List<Event> awaitEvents(int count, Duration timeout) {
        return await(list -> list.size() >= count, timeout, "at least " + count + " events");
    }

    /**
     * Waits until exactly one event of {@code type} was exported and returns it.
     *
     * @throws AssertionError when none arrived within {@code timeout}, or more than one did
     */
    public Event awaitSingle(EventType type, Duration timeout) {
        List<Event> all = await(list -> list.stream().anyMatch(e -> e.type() == type), timeout, "a " + type
                + " event");
        List<Event> matching = all.stream().filter(e -> e.type() == type).toList();
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + type + " event but found " + matching.size() + ": " + all);
        }
        return matching.get(0);
    }

    /**
     * Waits until the exported events satisfy {@code condition} and returns them.
     *
     * @throws AssertionError when they do not within {@code timeout}
     */
    public List<Event> await(Predicate<List<Event>> condition, Duration timeout, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!condition.test(List.copyOf(events))) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new AssertionError("waited " + timeout.toMillis() + " ms for " + description
                            + " but the exporter has " + events.size() + ": " + events);
                }
                try {
                    lock.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + description, e);
                }
            }
            return List.copyOf(events);
        }
    }
}
