package com.insidellm;

/**
 * A call without a result whose outcome a tracker records. It may throw a checked exception, which the tracker
 * rethrows unchanged.
 *
 * @param <E> the checked exception the call may throw ({@link RuntimeException} when it throws none)
 */
@FunctionalInterface
public interface TrackedRunnable<E extends Exception> {

    /** Performs the call. */
    void run() throws E;
}
