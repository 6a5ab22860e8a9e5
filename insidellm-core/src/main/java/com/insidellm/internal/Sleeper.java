package com.insidellm.internal;

import java.time.Duration;

/** Waits; injected so that retry and backoff timing can be tested without real waits. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> {
        long nanos = duration.toNanos();
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };

    void sleep(Duration duration) throws InterruptedException;
}
