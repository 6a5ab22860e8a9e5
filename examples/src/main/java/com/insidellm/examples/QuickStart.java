package com.insidellm.examples;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.time.Duration;

/**
 * Logs events by hand: initialise the client, start a run, log what happened, end the run, flush, print the stats.
 *
 * <p>{@code ./demo.sh} runs it against a collector it starts. To run it alone against a collector on port 7800:
 * {@code ./demo.sh --run QuickStart}.
 */
public final class QuickStart {

    private QuickStart() {}

    /** Sends to the local collector on port 7800. */
    public static void main(String[] args) {
        // README: log events by hand
        InsideLlmClient client = InsideLlmClient.builder()
                .apiKey("any-key-works-locally")             // else INSIDELLM_API_KEY
                .baseUrl("http://127.0.0.1:7800")            // local collector; else https://api.insidellm.com
                .build();
        // end README
        try (client) {
            run(client);
            System.out.println("QuickStart: " + Examples.describe(client.stats()));
        }
    }

    /** Records one short conversation with {@code client} and waits until it is delivered. */
    static void run(InsideLlmClient client) {
        // README: log events by hand
        String runId = client.startRun("user-123");                  // run.start
        client.logEvent(Event.userInput(runId, "user-123", "What is the capital of France?"));
        client.logEvent(Event.llmRequest(runId, "user-123", "gpt-4o-mini", "openai", "Capital of France?"));
        client.logEvent(Event.of(runId, "user-123", new Payload.LlmResponse("gpt-4o-mini", "openai", "Paris.",
                "stop", TokenUsage.of(14, 2), 420L, null)));         // tokens, ms; cost from the price table
        client.logEvent(Event.agentResponse(runId, "user-123", "The capital of France is Paris."));
        client.endRun(runId);                                        // run.end, with the run's duration
        boolean delivered = client.flush(Duration.ofSeconds(10));    // true once all are delivered
        ClientStats stats = client.stats();                          // queued, sent, failed, dropped
        // end README
        Examples.requireDelivered(delivered, stats);
    }
}
