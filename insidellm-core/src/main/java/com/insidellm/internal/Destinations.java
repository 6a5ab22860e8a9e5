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

    Destinations(List<EventExporter> exporters, Consumer<EventBatch> prepare, Settings settings,
            Accounting accounting, Progress progress, Lifecycle lifecycle, Listeners listeners) {
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
            long startNanos = System.nanoTime();
            delivery.deliver(batch, own, 0, lifecycle.deliveryDeadlineNanos(), lifecycle::awaitBackoff);
            if (!listeners.isEmpty()) {
                listeners.exported(delivery.exporter().name(), batch.size(), own.allDelivered(),
                        System.nanoTime() - startNanos);
            }
            outcome.merge(own);
            if (own.failure != null) {
                outcome.failure = delivery.exporter().name() + ": " + own.failure;
            }
        }
        accounting.retries(outcome.retries);
        List<Event> ok = new ArrayList<>(batch.size());
        List<Event> bad = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            switch (outcome.status[i]) {
                case Outcome.DELIVERED -> ok.add(batch.events().get(i));
                case Outcome.TOO_LARGE -> accounting.drop(DropReason.EVENT_TOO_LARGE, batch.events().get(i),
                        "refused alone as too large");
                case Outcome.SHUTDOWN -> accounting.drop(DropReason.SHUTDOWN_TIMEOUT, batch.events().get(i),
                        "close() timed out");
                default -> bad.add(batch.events().get(i));
            }
        }
        if (ok.size() != batch.size()) {
            progress.noteUndelivered(lastSeq);
        }
        accounting.settled(batch.size(), ok, bad, outcome.failure);
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
            if (!delivery.isPaused()) {
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
}
