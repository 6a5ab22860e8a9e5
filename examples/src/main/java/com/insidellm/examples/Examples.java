package com.insidellm.examples;

import com.insidellm.ClientStats;
import com.insidellm.InsideLlmClient;

/** What the examples share: where they send events, and how they report on delivery. */
final class Examples {

    /** Where {@code ./demo.sh} and {@code java -jar insidellm-collector.jar} listen by default. */
    static final String LOCAL_COLLECTOR = "http://127.0.0.1:7800";

    private Examples() {}

    /** The collector URL given as the first argument, else {@link #LOCAL_COLLECTOR}. */
    static String collectorUrl(String[] args) {
        return args.length > 0 ? args[0] : LOCAL_COLLECTOR;
    }

    /** A client for the collector at {@code baseUrl}, which accepts any key on loopback. */
    static InsideLlmClient client(String baseUrl) {
        return InsideLlmClient.builder().apiKey("local-collector").baseUrl(baseUrl).build();
    }

    static String describe(ClientStats stats) {
        return String.format("events queued %d, sent %d, failed %d, dropped %d", stats.eventsQueued(),
                stats.eventsSent(), stats.eventsFailed(), stats.eventsDropped());
    }

    /** Fails with advice when a flush did not deliver everything. */
    static void requireDelivered(boolean delivered, ClientStats stats) {
        if (!delivered || stats.eventsFailed() > 0 || stats.eventsDropped() > 0) {
            throw new IllegalStateException("not every event was delivered (" + describe(stats) + "). Is the"
                    + " collector running? ./demo.sh starts one; on its own:"
                    + " java -jar insidellm-collector/target/insidellm-collector.jar");
        }
    }
}
