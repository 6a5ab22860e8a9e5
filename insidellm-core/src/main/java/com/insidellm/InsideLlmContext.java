package com.insidellm;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Which run, user and parent event the code running on this thread belongs to, so that events logged anywhere below
 * a tracker, an annotated method or an AI-service call attach to the right run with the right parent.
 *
 * <p>The current context is per thread and never global: it is set with {@link #makeCurrent()} and restored when the
 * returned {@link Scope} closes, so runs and threads never see each other's parent links. To continue a context on
 * another thread, carry it explicitly with {@link #wrap(Runnable)}, {@link #wrap(Callable)} or
 * {@link #wrap(Executor)}.
 *
 * <pre>{@code
 * InsideLlmContext context = InsideLlmContext.current();
 * executor.submit(context.wrap(() -> tracker.logToolCall(...)));   // same run, same parent
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class InsideLlmContext {

    private static final ThreadLocal<InsideLlmContext> CURRENT = new ThreadLocal<>();

    private final String runId;
    private final String userId;
    private final @Nullable String parentEventId;

    private InsideLlmContext(String runId, String userId, @Nullable String parentEventId) {
        this.runId = runId;
        this.userId = userId;
        this.parentEventId = parentEventId;
    }

    /** A context for {@code runId} and {@code userId} with no parent event. */
    public static InsideLlmContext of(String runId, String userId) {
        return new InsideLlmContext(Objects.requireNonNull(runId, "runId"), Objects.requireNonNull(userId, "userId"),
                null);
    }

    /** The context of the current thread, or {@code null} when no run is active on it. */
    public static @Nullable InsideLlmContext current() {
        return CURRENT.get();
    }

    /** The same run and user with another parent event (or none). */
    public InsideLlmContext withParent(@Nullable String parentEventId) {
        return Objects.equals(parentEventId, this.parentEventId) ? this
                : new InsideLlmContext(runId, userId, parentEventId);
    }

    /** The run events in this context belong to. */
    public String runId() {
        return runId;
    }

    /** The user events in this context are recorded for. */
    public String userId() {
        return userId;
    }

    /** The event new events in this context name as their parent, or {@code null}. */
    public @Nullable String parentEventId() {
        return parentEventId;
    }

    /**
     * Makes this the current thread's context until the returned scope is closed, which restores the previous one.
     * Close scopes in the reverse order they were opened, on the same thread (try-with-resources does both).
     */
    public Scope makeCurrent() {
        InsideLlmContext previous = CURRENT.get();
        CURRENT.set(this);
        return new Scope(this, previous);
    }

    /** Returns a runnable that runs {@code task} with this context current. */
    public Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Scope ignored = makeCurrent()) {
                task.run();
            }
        };
    }

    /** Returns a callable that calls {@code task} with this context current. */
    public <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Scope ignored = makeCurrent()) {
                return task.call();
            }
        };
    }

    /** Returns a supplier that calls {@code task} with this context current. */
    public <T> Supplier<T> wrapSupplier(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            try (Scope ignored = makeCurrent()) {
                return task.get();
            }
        };
    }

    /** Returns an executor that runs every task it is given with this context current. */
    public Executor wrap(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }

    @Override
    public String toString() {
        return "InsideLlmContext{runId=" + runId + ", parentEventId=" + parentEventId + "}";
    }

    /** Restores the previous context when closed. Not thread-safe: close it on the thread that opened it. */
    public static final class Scope implements AutoCloseable {
        private final InsideLlmContext context;
        private final @Nullable InsideLlmContext previous;
        private boolean closed;

        private Scope(InsideLlmContext context, @Nullable InsideLlmContext previous) {
            this.context = context;
            this.previous = previous;
        }

        /** Restores the context that was current before this scope opened. Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (CURRENT.get() != context) {
                // Closed out of order: still restore, so a leaked inner scope cannot pin a finished run.
                org.slf4j.LoggerFactory.getLogger(InsideLlmContext.class)
                        .debug("InsideLLM context scope closed out of order");
            }
            if (previous == null) {
                // remove(), not set(null): no ThreadLocal entry is left behind on pooled threads.
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
