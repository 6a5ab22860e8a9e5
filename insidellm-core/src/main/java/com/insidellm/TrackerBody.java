package com.insidellm;

/**
 * The body of a run recorded with {@link InsideLlmClient#track(String, TrackerBody)}: code that receives the run's
 * tracker and may throw a checked exception, which is recorded and rethrown unchanged.
 *
 * @param <T> what the body returns
 * @param <E> the checked exception the body may throw
 */
@FunctionalInterface
public interface TrackerBody<T, E extends Exception> {

    /** Runs the body with the run's tracker. */
    T run(InsideLlmTracker tracker) throws E;
}
