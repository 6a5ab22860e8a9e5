package com.insidellm.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's open/closed state and close deadline, the backoff waits that {@code close()} cuts short, the JVM
 * shutdown hook, and how the client's threads are made and treat interrupts. Internal; thread-safe.
 */
final class Lifecycle {

    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object wakeup = new Object();
    private final Sleeper sleeper;
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile @Nullable Thread shutdownHook;
    private volatile boolean interruptLogged;

    Lifecycle(Sleeper sleeper) {
        this.sleeper = sleeper;
    }

    /** A daemon thread that holds no class loader of the application's (so a redeployed app can be collected). */
    static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.setUncaughtExceptionHandler((t, e) -> log.error("InsideLLM thread {} died", t.getName(), e));
        return thread;
    }

    /** Registers a JVM shutdown hook running {@code close}; {@link #removeShutdownHook()} takes it away again. */
    void addShutdownHook(Runnable close) {
        Thread hook = new Thread(close, "insidellm-shutdown-hook");
        hook.setContextClassLoader(null);
        Runtime.getRuntime().addShutdownHook(hook);
        this.shutdownHook = hook;
    }

    void removeShutdownHook() {
        Thread hook = shutdownHook;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting; the hook is running or has run
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Marks the client closed, with {@code timeout} from now to deliver; false if it was closed already. */
    boolean close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
        return true;
    }

    /** Wakes delivery waiting out a backoff, so that it sees the close deadline. */
    void wakeBackoffs() {
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    /** Whether close() has begun and its deadline has passed. */
    boolean pastCloseDeadline() {
        long deadline = closeDeadlineNanos;
        return deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0;
    }

    /** What is left of close()'s time, zero when it has passed (or close() has not begun). */
    Duration remainingCloseTime() {
        long deadline = closeDeadlineNanos;
        return deadline == Long.MAX_VALUE ? Duration.ZERO
                : Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The deadline a delivery started now must keep: close()'s, once it has begun, else none. */
    long deliveryDeadlineNanos() {
        return closed.get() ? closeDeadlineNanos : Long.MAX_VALUE;
    }

    /** Waits out a backoff unless it would pass the deadline; close() cuts the wait short. */
    boolean awaitBackoff(Duration delay, long deadlineNanos) throws InterruptedException {
        long effectiveDeadline = closed.get() ? Math.min(deadlineNanos, closeDeadlineNanos) : deadlineNanos;
        if (effectiveDeadline != Long.MAX_VALUE && System.nanoTime() + delay.toNanos() > effectiveDeadline) {
            return false;
        }
        if (sleeper != Sleeper.SYSTEM) {
            sleeper.sleep(delay);
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

    /**
     * The client's threads stop when the client is closed, never on an interrupt: an interrupt from outside (a
     * framework interrupting every thread it sees) is logged once and otherwise ignored, so that no batch is
     * abandoned half-way and the flusher does not spin on a pending interrupt.
     */
    void ignoreInterrupt() {
        if (!interruptLogged) {
            interruptLogged = true;
            log.warn("InsideLLM: the flusher thread was interrupted; ignored (close() the client to stop it)");
        }
    }
}
