package com.insidellm.internal;

import com.insidellm.DropReason;
import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.ExportResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every destination of a client, each behind its own {@link ExporterDelivery}: delivers one batch to all of them,
 * merges what became of each event (the worst outcome wins) and counts it; answers whether all are paused, healthy,
 * and closes them. Internal; {@link #deliver} is called by the sender thread only.
 */
final class Destinations {

    private static final Logger log = LoggerFactory.getLogger(Destinations.class);

    private final List<ExporterDelivery> deliveries;
    private final Accounting accounting;
    private final Progress progress;
    private final Lifecycle lifecycle;
    private final Listeners listeners;
    private final Consumer<EventBatch> prepare;
    /** The disk outbox of the API destination, or null. Used by the sender thread only. */
    private final @Nullable OutboxSender outbox;
    /** The destination whose undeliverable batches go to the outbox (the API), or null. */
    private final @Nullable ExporterDelivery spooling;

    /**
     * Destinations; when {@code outbox} is not null, the first exporter (the InsideLLM API) spools what it cannot
     * deliver now to it.
     */
    Destinations(List<EventExporter> exporters, Consumer<EventBatch> prepare, Settings settings,
            Accounting accounting, Progress progress, Lifecycle lifecycle, Listeners listeners,
            @Nullable OutboxSender outbox) {
        List<ExporterDelivery> list = new ArrayList<>(exporters.size());
        for (EventExporter exporter : exporters) {
            list.add(new ExporterDelivery(exporter, settings, System::nanoTime));
        }
        this.deliveries = List.copyOf(list);
        this.accounting = accounting;
        this.progress = progress;
        this.lifecycle = lifecycle;
        this.listeners = listeners;
        this.prepare = prepare;
        this.outbox = outbox == null || deliveries.isEmpty() ? null : outbox;
        this.spooling = this.outbox == null ? null : deliveries.get(0);
        if (spooling != null) {
            spooling.spoolWhenOpen();
        }
    }

    /**
     * Works ahead on a batch about to be handed to the sender (the HTTP exporter compresses it), so that this runs
     * on the flusher while the sender waits for the previous answer. Called by the flusher.
     */
    void prepare(EventBatch batch) {
        prepare.accept(batch);
    }

    /**
     * Delivers {@code batch} to every destination and settles each event: delivered, failed, or dropped (too large,
     * cut off by close()). {@code lastSeq} is noted as undelivered unless every event arrived.
     */
    void deliver(EventBatch batch, long lastSeq) throws InterruptedException {
        Outcome outcome = new Outcome(batch.size());
        for (ExporterDelivery delivery : deliveries) {
            Outcome own = new Outcome(batch.size());
            if (delivery == spooling && (outbox.hasWork() || lifecycle.pastCloseDeadline())) {
                // Older batches wait in the outbox (delivered first, in order), or close() is out of time: this one
                // goes behind them, at the cost of a sequential write.
                own.mark(0, batch.size(), Outcome.UNAVAILABLE);
            } else {
                long startNanos = System.nanoTime();
                delivery.deliver(batch, own, 0, lifecycle.deliveryDeadlineNanos(), lifecycle::awaitBackoff);
                if (!listeners.isEmpty()) {
                    listeners.exported(delivery.exporter().name(), batch.size(), own.allDelivered(),
                            System.nanoTime() - startNanos);
                }
            }
            if (delivery == spooling) {
                spoolUndelivered(batch, own);
            }
            outcome.merge(own);
            if (own.failure != null) {
                outcome.failure = delivery.exporter().name() + ": " + own.failure;
            }
        }
        accounting.retries(outcome.retries);
        settle(batch, outcome, lastSeq);
    }

    /**
     * Counts what became of each event of {@code batch} and tells the listener; spooled events are counted when
     * they are delivered from the outbox. {@code lastSeq} (when not negative) is noted as undelivered unless every
     * event arrived.
     */
    private void settle(EventBatch batch, Outcome outcome, long lastSeq) {
        if (batch.size() > 0 && outcome.allDelivered()) {
            // The usual case, without picking events out one by one.
            accounting.settled(batch.size(), batch.events(), List.of(), outcome.failure);
            return;
        }
        int[] delivered = new int[batch.size()];
        int okCount = 0;
        List<Event> bad = new ArrayList<>();
        int spooled = 0;
        for (int i = 0; i < batch.size(); i++) {
            switch (outcome.status[i]) {
                // By index: a batch read back from the outbox parses an event only if a listener asks for it.
                case Outcome.DELIVERED -> delivered[okCount++] = i;
                case Outcome.SPOOLED -> spooled++;
                case Outcome.TOO_LARGE -> accounting.drop(DropReason.EVENT_TOO_LARGE, batch.events().get(i),
                        "refused alone as too large");
                case Outcome.SHUTDOWN -> accounting.drop(DropReason.SHUTDOWN_TIMEOUT, batch.events().get(i),
                        "close() timed out");
                case Outcome.REJECTED -> accounting.rejected(batch.events().get(i),
                        String.valueOf(outcome.reason(i)));
                // FAILED, and UNAVAILABLE when there is no outbox (or it could not take the events)
                default -> bad.add(batch.events().get(i));
            }
        }
        List<Event> ok = okCount == batch.size() ? batch.events() : new Selection(batch.events(), delivered, okCount);
        if (ok.size() != batch.size() && lastSeq >= 0) {
            progress.noteUndelivered(lastSeq);
        }
        if (spooled == batch.size()) {
            return;
        }
        accounting.settled(batch.size() - spooled, ok, bad, outcome.failure);
    }

    /** Writes the events {@code delivery} could not deliver now to the outbox and marks them spooled. */
    private void spoolUndelivered(EventBatch batch, Outcome own) {
        List<byte[]> json = null;
        for (int i = 0; i < batch.size(); i++) {
            if (own.status[i] == Outcome.UNAVAILABLE || own.status[i] == Outcome.SHUTDOWN) {
                if (json == null) {
                    json = new ArrayList<>();
                }
                json.add(batch.eventJson(i));
            }
        }
        if (json == null || !outbox.spool(json)) {
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (own.status[i] == Outcome.UNAVAILABLE || own.status[i] == Outcome.SHUTDOWN) {
                own.set(i, Outcome.SPOOLED);
            }
        }
        if (own.serverWait != null) {
            // The backend asked for a pause (429, 503 with Retry-After): the outbox's first attempt honours it too.
            outbox.deferBy(own.serverWait.toNanos());
        }
        if (own.failure != null) {
            accounting.lastError(own.failure + " (kept in the outbox)");
        }
    }

    /** Whether a disk outbox is on. */
    boolean hasOutbox() {
        return outbox != null;
    }

    /** Events waiting in the disk outbox, 0 without one; never touches the disk (see {@link OutboxSender}). */
    long outboxEvents() {
        return outbox == null ? 0 : outbox.waitingEvents();
    }

    /** Whether batches wait in the disk outbox. */
    boolean hasOutboxWork() {
        return outbox != null && outbox.hasWork();
    }

    /**
     * Nanoseconds until the outbox should be drained: 0 for now, {@link Long#MAX_VALUE} if there is no outbox or
     * nothing in it. While the API's circuit breaker is open, not before it lets a call through.
     */
    long nanosUntilDrain() {
        if (outbox == null) {
            return Long.MAX_VALUE;
        }
        long due = outbox.nanosUntilDrain();
        if (due != Long.MAX_VALUE && spooling.isPaused()) {
            outbox.deferBy(spooling.pauseRemainingNanos());
            due = outbox.nanosUntilDrain();
        }
        return due;
    }

    /**
     * Delivers batches from the outbox, oldest first, while the API takes them and {@code stop} does not say stop
     * (checked before each batch). Called by the sender.
     */
    void drainOutbox(java.util.function.BooleanSupplier stop) throws InterruptedException {
        if (outbox != null) {
            outbox.drain(this::sendSpooled, stop);
        }
    }

    /** Sends one batch read back from the outbox, once; counts what was settled and returns what must stay. */
    private OutboxAttempt sendSpooled(List<byte[]> json) throws InterruptedException {
        EventBatch batch = EventBatch.fromJson(json);
        prepare.accept(batch);
        Outcome own = new Outcome(batch.size());
        long startNanos = System.nanoTime();
        spooling.deliver(batch, own, 0, lifecycle.deliveryDeadlineNanos(), lifecycle::awaitBackoff, true);
        if (!listeners.isEmpty()) {
            listeners.exported(spooling.exporter().name(), batch.size(), own.allDelivered(),
                    System.nanoTime() - startNanos);
        }
        List<byte[]> keep = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (own.status[i] == Outcome.UNAVAILABLE || own.status[i] == Outcome.SHUTDOWN) {
                keep.add(json.get(i));
                own.set(i, Outcome.SPOOLED);
            }
        }
        if (!keep.isEmpty() && own.failure != null) {
            accounting.lastError(own.failure + " (kept in the outbox)");
        }
        accounting.retries(own.retries);
        settle(batch, own, -1);
        return new OutboxAttempt(keep, own.serverWait);
    }

    /**
     * Gives events that never reached the sender (still queued when close() ran out of time) to the outbox; false if
     * there is no outbox or it could not take them. {@link #flushSpool()} writes what it gathered.
     */
    boolean spool(List<byte[]> json) {
        return outbox != null && outbox.spool(json);
    }

    /** Writes the batches the outbox gathered in memory (the sender is stopping, or close() ran out of time). */
    void flushSpool() {
        if (outbox != null) {
            outbox.flush();
        }
    }

    /** Writes the batches the outbox gathered once they waited long enough; called by an idle sender. */
    void flushSpoolIfLingered() {
        if (outbox != null) {
            outbox.flushIfLingered();
        }
    }

    /** Nanoseconds until gathered batches must be written, {@link Long#MAX_VALUE} if there are none. */
    long nanosUntilSpoolWrite() {
        return outbox == null ? Long.MAX_VALUE : outbox.nanosUntilLingered();
    }

    boolean isEmpty() {
        return deliveries.isEmpty();
    }

    /** Whether every destination's circuit is open: sending now would be refused everywhere. */
    boolean allPaused() {
        if (deliveries.isEmpty()) {
            return false;
        }
        for (ExporterDelivery delivery : deliveries) {
            // With an outbox, batches for a paused API go there: the flusher must keep taking events off the queue.
            if (!delivery.isPaused() || delivery == spooling) {
                return false;
            }
        }
        return true;
    }

    /** How long until the first paused destination may be tried again, at least a millisecond. */
    long minPauseRemainingNanos() {
        long min = Long.MAX_VALUE;
        for (ExporterDelivery delivery : deliveries) {
            min = Math.min(min, delivery.pauseRemainingNanos());
        }
        return Math.max(1_000_000, min);
    }

    boolean isHealthy() {
        for (ExporterDelivery delivery : deliveries) {
            if (!delivery.isHealthy()) {
                return false;
            }
        }
        return true;
    }

    Map<String, String> circuitStates() {
        Map<String, String> states = new LinkedHashMap<>();
        for (ExporterDelivery delivery : deliveries) {
            states.put(delivery.exporter().name(), delivery.circuitState());
        }
        return states;
    }

    /** Flushes every exporter; true if all succeeded. Called on a flushing caller's thread. */
    boolean flush() {
        boolean ok = true;
        for (ExporterDelivery delivery : deliveries) {
            ExportResult result = delivery.flush();
            if (!result.isSuccess()) {
                log.debug("InsideLLM: flushing {} failed: {}", delivery.exporter().name(), result.message());
                ok = false;
            }
        }
        return ok;
    }

    /** Shuts down, with a zero deadline, the exporters still exporting: close() is out of time. */
    void abandonExports() {
        for (ExporterDelivery delivery : deliveries) {
            if (delivery.isExporting()) {
                delivery.shutdown(Duration.ZERO);
            }
        }
    }

    /** Shuts every exporter down (each once); one that throws is logged and the others are still shut down. */
    void shutdown(Duration deadline) {
        for (ExporterDelivery delivery : deliveries) {
            delivery.shutdown(deadline);
        }
    }

    List<String> names() {
        return deliveries.stream().map(d -> d.exporter().name()).toList();
    }

    /** The events of a batch at some indexes, read through to the batch's list. Unmodifiable. */
    private static final class Selection extends java.util.AbstractList<Event> {
        private final List<Event> events;
        private final int[] indexes;
        private final int size;

        Selection(List<Event> events, int[] indexes, int size) {
            this.events = events;
            this.indexes = indexes;
            this.size = size;
        }

        @Override
        public Event get(int index) {
            java.util.Objects.checkIndex(index, size);
            return events.get(indexes[index]);
        }

        @Override
        public int size() {
            return size;
        }
    }
}
