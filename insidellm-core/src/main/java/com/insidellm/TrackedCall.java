package com.insidellm;

/**
 * A call whose outcome a tracker records: the model call, tool or step that {@link InsideLlmTracker} wraps. Unlike
 * {@link java.util.function.Supplier} it may throw a checked exception, which the tracker rethrows unchanged.
 *
 * @param <T> what the call returns
 * @param <E> the checked exception the call may throw ({@link RuntimeException} when it throws none)
 */
@FunctionalInterface
public interface TrackedCall<T, E extends Exception> {

    /** Performs the call. */
    T call() throws E;
}
