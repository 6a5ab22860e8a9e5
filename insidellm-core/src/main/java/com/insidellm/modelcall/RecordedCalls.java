package com.insidellm.modelcall;

import com.insidellm.LlmCallResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an application's model call around its recording, for {@link ModelCallRecorder}'s {@code call} and
 * {@code stream} methods: the call always runs and its result, future, stream or exception reaches the caller
 * unchanged; the answer is described at once or, for immutable results, later (off the caller's thread). Internal;
 * stateless.
 */
final class RecordedCalls {

    /** The recorder's logger: one name turns on the DEBUG logs of all model-call recording. */
    private static final Logger log = LoggerFactory.getLogger(ModelCallRecorder.class);

    /**
     * What the client's queue counts for an answer described later, whose size is not known before: a chat answer
     * with its usage, roughly.
     */
    private static final int LATER_RESULT_BYTES = 2048;

    private RecordedCalls() {
    }

    /**
     * What the integration's {@code description} of a request gives, or {@code null} when it throws (logged as
     * "could not {@code what} a {@code source} model request"): then the request is not recorded, or is recorded
     * as it is now rather than later.
     */
    static <T> @Nullable T askOrNull(Supplier<T> description, String what, String source) {
        try {
            return description.get();
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not {} a {} model request", what, source, e);
            return null;
        }
    }

    /** Runs {@code call}, recording its failure or its result. */
    static <R> R run(ModelCall recorded, Supplier<R> call, Function<? super R, LlmCallResult> describe,
            Function<Throwable, @Nullable Integer> status, boolean later) {
        R result = called(recorded, call, status);
        succeeded(recorded, result, describe, later);
        return result;
    }

    /** What {@code call} returns; when it throws, the failure is recorded and the exception rethrown unchanged. */
    private static <T> T called(ModelCall recorded, Supplier<T> call, Function<Throwable, @Nullable Integer> status) {
        try {
            return call.get();
        } catch (RuntimeException | Error e) {
            recorded.failed(e, status);
            throw e;
        }
    }

    private static <R> void succeeded(ModelCall recorded, R result, Function<? super R, LlmCallResult> describe,
            boolean later) {
        if (later) {
            recorded.succeededLater(() -> describe.apply(result), LATER_RESULT_BYTES);
        } else {
            recorded.succeeded(result, describe);
        }
    }

    /** Starts {@code call} and records how its future completes; the caller gets that future itself. */
    static <R> CompletableFuture<R> runAsync(ModelCall recorded, Supplier<CompletableFuture<R>> call,
            Function<? super R, LlmCallResult> describe, Function<Throwable, @Nullable Integer> status,
            boolean later) {
        CompletableFuture<R> future = called(recorded, call, status);
        future.whenComplete((result, error) -> {
            if (error != null) {
                recorded.failed(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error, status);
            } else {
                succeeded(recorded, result, describe, later);
            }
        });
        return future;
    }

    /**
     * Opens a streamed call: its failure to open is recorded and rethrown; the caller gets the stream {@code observe}
     * makes to follow it, or the stream {@code open} returned, unrecorded, when {@code observe} fails.
     */
    static <S> S stream(ModelCall recorded, Supplier<S> open, BiFunction<ModelCall, S, S> observe,
            Function<Throwable, @Nullable Integer> status, String source) {
        S stream = called(recorded, open, status);
        try {
            return observe.apply(recorded, stream);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not follow a {} stream", source, e);
            return stream;
        }
    }
}
