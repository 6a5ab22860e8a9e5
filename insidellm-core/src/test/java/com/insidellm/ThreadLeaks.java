package com.insidellm;

import java.util.Set;
import java.util.stream.Collectors;

/** Thread snapshots for leak checks; threads of the test's own MockWebServer are not the SDK's and are ignored. */
final class ThreadLeaks {

    private ThreadLeaks() {
    }

    static Set<Thread> snapshot() {
        return Set.copyOf(Thread.getAllStackTraces().keySet());
    }

    /** Live threads that were not in {@code before}, other than the test server's. */
    static Set<Thread> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !before.contains(t))
                .filter(t -> !t.getName().startsWith("MockWebServer"))
                .collect(Collectors.toSet());
    }

    static String describe(Set<Thread> threads) {
        return threads.stream().map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : " (NON-DAEMON)"))
                .sorted().collect(Collectors.joining(", ", "[", "]"));
    }
}
