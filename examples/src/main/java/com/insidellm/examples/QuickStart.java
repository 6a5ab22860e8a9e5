package com.insidellm.examples;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.time.Duration;
import java.util.Map;

/**
 * Logs events by hand: initialise the client, start a run, log what happened, end the run, flush, print the stats.
 *
 * <p>{@code ./demo.sh} runs it against a collector it starts. To run it alone against a collector on port 7800:
 * {@code ./demo.sh --run QuickStart}.
 */
public final class QuickStart {

    private QuickStart() {}

    /** Sends to the collector at {@code args[0]}, default {@code http://127.0.0.1:7800}. */
    public static void main(String[] args) {
        // README: create the client
        InsideLlmClient client = InsideLlmClient.builder()
                .apiKey("local-collector")             // else INSIDELLM_API_KEY; a local collector takes any key
                .baseUrl(Examples.collectorUrl(args))  // else INSIDELLM_BASE_URL, else https://api.insidellm.com
                .build();
        // end README
        try (client) {
            run(client);
            System.out.println("QuickStart: " + Examples.describe(client.stats()));
        }
    }

    /** Records one short conversation with {@code client} and waits until it is delivered. */
    static void run(InsideLlmClient client) {
        // README: quick start, log events by hand
        String runId = client.startRun("user-123");                          // emits run.start
        client.logEvent(Event.userInput(runId, "user-123", "What is the capital of France?"));
        client.logEvent(Event.llmRequest(runId, "user-123", "gpt-4o-mini", "openai", "What is the capital of France?"));
        client.logEvent(Event.of(runId, "user-123", new Payload.LlmResponse("gpt-4o-mini", "openai", "Paris.",
                "stop", TokenUsage.of(14, 2), 420L, 0.0000033)));           // finish reason, tokens, ms, US$
        client.logEvent(Event.builder(EventType.PERFORMANCE_METRIC).runId(runId).userId("user-123")
                .payload(Map.of("metric_name", "response_time", "metric_value", 420, "metric_unit", "ms"))
                .build());                                                   // any type, free-form payload
        client.logEvent(Event.agentResponse(runId, "user-123", "The capital of France is Paris."));
        client.endRun(runId);                                                // emits run.end with the duration
        boolean delivered = client.flush(Duration.ofSeconds(10));            // true once all are delivered
        ClientStats stats = client.stats();                                  // queued, sent, failed, dropped
        // end README
        Examples.requireDelivered(delivered, stats);
    }
}
