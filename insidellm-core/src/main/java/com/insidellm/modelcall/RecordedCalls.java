package com.insidellm.modelcall;

import com.insidellm.LlmCallResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Runs an application's model call around its recording, for {@link ModelCallRecorder}'s {@code call} methods: the
 * call always runs and its result, future or exception reaches the caller unchanged; the answer is described at once
 * or, for immutable results, later (off the caller's thread). Internal; stateless.
 */
final class RecordedCalls {

    /**
     * What the client's queue counts for an answer described later, whose size is not known before: a chat answer
     * with its usage, roughly.
     */
    private static final int LATER_RESULT_BYTES = 2048;

    private RecordedCalls() {
    }

    /** Runs {@code call}, recording its failure or its result. */
    static <R> R run(ModelCall recorded, Supplier<R> call, Function<? super R, LlmCallResult> describe,
            Function<Throwable, @Nullable Integer> status, boolean later) {
        R result;
        try {
            result = call.get();
        } catch (RuntimeException | Error e) {
            recorded.failed(e, status);
            throw e;
        }
        succeeded(recorded, result, describe, later);
        return result;
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
        CompletableFuture<R> future;
        try {
            future = call.get();
        } catch (RuntimeException | Error e) {
            recorded.failed(e, status);
            throw e;
        }
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
}
