package com.insidellm.internal;

import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.ExportResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers batches to one exporter with retries (Resilience4j {@link Retry}: exponential backoff with jitter, a cap,
 * and the server's {@code Retry-After}), a {@link CircuitBreaker}, and 413 splitting. Used by the client's sender
 * thread (the flusher only asks whether it is paused). Internal.
 */
final class ExporterDelivery {

    private static final Logger log = LoggerFactory.getLogger(ExporterDelivery.class);

    /** Waits for a backoff; returns false if the wait would pass the deadline (then it does not wait). */
    interface BackoffWaiter {
        boolean await(Duration delay, long deadlineNanos) throws InterruptedException;
    }

    private final EventExporter exporter;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final Duration openDuration;
    private final Duration maxBackoff;
    private final LongSupplier nanoTime;
    private volatile long openedAtNanos;
    private volatile boolean lastOk = true;
    private volatile boolean unauthorizedReported;
    /** Whether a disk outbox takes what this destination cannot deliver now (then an open breaker is not waited for). */
    private volatile boolean spoolWhenOpen;
    private volatile boolean exporting;
    private final AtomicBoolean shutDown = new AtomicBoolean();

    ExporterDelivery(EventExporter exporter, Settings config, LongSupplier nanoTime) {
        this.exporter = exporter;
        this.nanoTime = nanoTime;
        this.openDuration = config.circuitOpenDuration;
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff,
                config.backoffFactor, 0.5, config.maxBackoff);
        this.maxBackoff = config.maxBackoff;
        IntervalBiFunction<ExportResult> interval = (attempt, either) -> {
            Duration serverWait = either.isRight() ? serverWait(either.get()) : null;
            return serverWait != null ? serverWait.toMillis() : backoff.apply(attempt);
        };
        this.retry = Retry.of("insidellm-" + exporter.name(), RetryConfig.<ExportResult>custom()
                .maxAttempts(config.maxRetries + 1)
                .retryOnResult(result -> result.status() == ExportResult.Status.RETRYABLE)
                .retryOnException(e -> true)
                .intervalBiFunction(interval)
                .failAfterMaxAttempts(false)
                .build());
        this.breaker = CircuitBreaker.of("insidellm-" + exporter.name(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(config.circuitOpenDuration)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build());
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAtNanos = nanoTime.getAsLong();
                log.warn("InsideLLM delivery to {} keeps failing; pausing for {} s ({})", exporter.name(),
                        openDuration.toSeconds(), spoolWhenOpen ? "batches go to the disk outbox"
                                : "events wait in the bounded queue");
            } else if (event.getStateTransition().getToState() == CircuitBreaker.State.CLOSED) {
                log.info("InsideLLM delivery to {} works again", exporter.name());
            }
        });
    }

    EventExporter exporter() {
        return exporter;
    }

    /**
     * How long the destination asked to be left alone ({@code Retry-After} of a 429 or 503), capped at
     * {@code maxBackoff}; {@code null} when it did not ask. The server knows best when it can take traffic again;
     * the cap stops a hostile or broken value from parking delivery for hours. The one rule for the retries here
     * and for the outbox's next attempt.
     */
    @Nullable Duration serverWait(ExportResult result) {
        Duration retryAfter = result.retryAfter();
        if (retryAfter == null) {
            return null;
        }
        return retryAfter.isNegative() ? Duration.ZERO : retryAfter.compareTo(maxBackoff) > 0 ? maxBackoff
                : retryAfter;
    }

    /** Tells this delivery that a disk outbox takes the events it cannot deliver now. */
    void spoolWhenOpen() {
        this.spoolWhenOpen = true;
    }

    /** Whether the breaker is open and its wait has not elapsed: sending now would be refused. */
    boolean isPaused() {
        return breaker.getState() == CircuitBreaker.State.OPEN
                && nanoTime.getAsLong() - openedAtNanos < openDuration.toNanos();
    }

    long pauseRemainingNanos() {
        return Math.max(0, openDuration.toNanos() - (nanoTime.getAsLong() - openedAtNanos));
    }

    boolean isHealthy() {
        return lastOk && breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    String circuitState() {
        return breaker.getState().name();
    }

    /**
     * Delivers {@code batch}, marking each event's outcome into {@code outcome} starting at {@code offset}.
     *
     * <p>A batch refused as too large (413) or as invalid (400, 422) is halved and each half sent, until the
     * refused events stand alone: one too large is dropped as {@code event_too_large}, one invalid as
     * {@code rejected}, and every other event is delivered. For {@code k} invalid events in a batch of {@code n}
     * that costs at most {@code 2·k·⌈log₂ n⌉} extra requests (never more than {@code 2n − 2}, when every event is
     * invalid); for one invalid event among 50, 12. Event ids never change, so nothing arrives twice.
     */
    void deliver(EventBatch batch, Outcome outcome, int offset, long deadlineNanos, BackoffWaiter waiter)
            throws InterruptedException {
        deliver(batch, outcome, offset, deadlineNanos, waiter, false);
    }

    /**
     * Like {@link #deliver(EventBatch, Outcome, int, long, BackoffWaiter)}; with {@code once}, a transient failure
     * is not retried but marks the events {@link Outcome#UNAVAILABLE} at once (a batch from the outbox, which keeps
     * it for later). With an outbox attached ({@link #spoolWhenOpen}) the same holds for every batch, and for an
     * open circuit breaker: the outbox retries, so the sender never waits out a backoff.
     */
    void deliver(EventBatch batch, Outcome outcome, int offset, long deadlineNanos, BackoffWaiter waiter,
            boolean once) throws InterruptedException {
        Retry.AsyncContext<ExportResult> context = retry.asyncContext();
        while (true) {
            ExportResult result;
            if (!breaker.tryAcquirePermission()) {
                result = ExportResult.retryable("circuit breaker open for " + exporter.name(), null);
                if (once || spoolWhenOpen) {
                    outcome.mark(offset, offset + batch.size(), Outcome.UNAVAILABLE);
                    outcome.failure = result.message();
                    return;
                }
            } else {
                long start = nanoTime.getAsLong();
                exporting = true;
                try {
                    result = exporter.export(batch);
                    if (result == null) {
                        result = ExportResult.retryable(exporter.name() + " returned no result", null);
                    }
                } catch (RuntimeException e) {
                    result = ExportResult.retryable(e.getClass().getSimpleName() + " in " + exporter.name() + ": "
                            + e.getMessage(), null);
                } finally {
                    exporting = false;
                }
                long elapsed = nanoTime.getAsLong() - start;
                if (result.status() == ExportResult.Status.RETRYABLE) {
                    breaker.onError(elapsed, TimeUnit.NANOSECONDS, new DeliveryFailure(result.message()));
                } else {
                    breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                }
            }
            switch (result.status()) {
                case SUCCESS -> {
                    context.onComplete();
                    lastOk = true;
                    unauthorizedReported = false;
                    for (ExportResult.Rejection rejection : result.rejected()) {
                        // Accepted as a request, refused one by one (our collector's answer): dropped, not sent.
                        if (rejection.index() >= 0 && rejection.index() < batch.size()) {
                            outcome.reject(offset + rejection.index(), IngestAnswer.shorten(rejection.reason()));
                        }
                    }
                    return;
                }
                case TOO_LARGE -> {
                    context.onComplete();
                    if (batch.size() == 1) {
                        outcome.mark(offset, offset + 1, Outcome.TOO_LARGE);
                        outcome.failure = result.message();
                        return;
                    }
                    int half = batch.size() / 2;
                    log.debug("{} refused a batch of {} events as too large; splitting it", exporter.name(),
                            batch.size());
                    deliver(batch.slice(0, half), outcome, offset, deadlineNanos, waiter, once);
                    deliver(batch.slice(half, batch.size()), outcome, offset + half, deadlineNanos, waiter, once);
                    return;
                }
                case INVALID -> {
                    context.onComplete();
                    // The backend works; it refuses what is in the batch.
                    lastOk = true;
                    if (batch.size() == 1) {
                        String reason = IngestAnswer.shorten(String.valueOf(result.message()));
                        outcome.reject(offset, reason);
                        log.debug("{} rejected event {}: {}", exporter.name(), batch.events().get(0), reason);
                        return;
                    }
                    int half = batch.size() / 2;
                    log.debug("{} refused a batch of {} events as invalid; splitting it to find the invalid ones",
                            exporter.name(), batch.size());
                    deliver(batch.slice(0, half), outcome, offset, deadlineNanos, waiter, once);
                    deliver(batch.slice(half, batch.size()), outcome, offset + half, deadlineNanos, waiter, once);
                    return;
                }
                case REJECTED -> {
                    context.onComplete();
                    lastOk = false;
                    fail(batch, outcome, offset, result.message());
                    log.warn("InsideLLM: {} rejected a batch of {} events: {}", exporter.name(), batch.size(),
                            result.message());
                    return;
                }
                case UNAUTHORIZED -> {
                    context.onComplete();
                    lastOk = false;
                    fail(batch, outcome, offset, result.message());
                    if (!unauthorizedReported) {
                        unauthorizedReported = true;
                        log.error("InsideLLM: {}", result.message());
                    }
                    return;
                }
                case RETRYABLE -> {
                    // With an outbox, the outbox retries (with backoff, between new batches): waiting here would hold
                    // up the flusher, and the queue would fill while the backend is slow or down.
                    long delayMillis = once || spoolWhenOpen ? -1 : context.onResult(result);
                    if (delayMillis < 0) {
                        lastOk = false;
                        outcome.mark(offset, offset + batch.size(), Outcome.UNAVAILABLE);
                        // Whoever tries again later (the outbox) waits as long as the server asked.
                        outcome.serverWait(serverWait(result));
                        outcome.failure = once || spoolWhenOpen ? result.message()
                                : result.message() + " (gave up after " + (outcome.retries + 1) + " attempts)";
                        return;
                    }
                    outcome.retries++;
                    log.debug("{} attempt failed ({}); retrying in {} ms", exporter.name(), result.message(),
                            delayMillis);
                    if (!waiter.await(Duration.ofMillis(delayMillis), deadlineNanos)) {
                        outcome.mark(offset, offset + batch.size(), Outcome.SHUTDOWN);
                        outcome.failure = "close() timed out while retrying: " + result.message();
                        return;
                    }
                }
            }
        }
    }

    /** Whether the sender is inside this exporter's {@code export} now. */
    boolean isExporting() {
        return exporting;
    }

    /** The exporter's {@link EventExporter#flush()}; a {@code null} result or an exception is a failure. */
    ExportResult flush() {
        try {
            ExportResult result = exporter.flush();
            return result == null ? ExportResult.retryable(exporter.name() + " flush returned no result", null)
                    : result;
        } catch (RuntimeException e) {
            log.warn("InsideLLM: flushing exporter {} failed", exporter.name(), e);
            return ExportResult.retryable(e.getClass().getSimpleName() + " in " + exporter.name() + ".flush()", null);
        }
    }

    /** The exporter's {@link EventExporter#shutdown(Duration)}, once: later calls do nothing. */
    void shutdown(Duration deadline) {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        try {
            ExportResult result = exporter.shutdown(deadline);
            if (result != null && !result.isSuccess()) {
                log.debug("InsideLLM: shutting down {}: {}", exporter.name(), result.message());
            }
        } catch (RuntimeException e) {
            log.warn("InsideLLM: closing exporter {} failed", exporter.name(), e);
        }
    }

    private static void fail(EventBatch batch, Outcome outcome, int offset, @Nullable String message) {
        outcome.mark(offset, offset + batch.size(), Outcome.FAILED);
        outcome.failure = message;
    }

    @Override
    public String toString() {
        return "ExporterDelivery{" + exporter.name() + ", circuit=" + breaker.getState()
                + "}";
    }

    /** Recorded by the circuit breaker; carries no stack trace. */
    static final class DeliveryFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeliveryFailure(@Nullable String message) {
            super(message, null, false, false);
        }
    }
}
