package com.insidellm.benchmarks;

import com.insidellm.ClientStats;
import com.insidellm.InsideLlmClient;
import java.time.Duration;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The InsideLLM side of the SDK wrapper benchmarks: a client whose exporter discards, drained between bursts
 * (outside the measurement, as in {@link CallerCostBenchmark}), and checked at the end to have recorded every call.
 */
final class WrapperRecording {

    /** Calls per measured invocation. */
    static final int BURST = 100;

    final CallerCostBenchmark.DiscardingExporter exporter = new CallerCostBenchmark.DiscardingExporter();
    final InsideLlmClient client = InsideLlmClient.builder().addExporter(exporter)
            .maxQueueSize(CallerCostBenchmark.QUEUE_CAPACITY).batchSize(500).maxBatchBytes(4L * 1024 * 1024)
            .shutdownHook(false).build();

    void drain() {
        if (!client.flush(Duration.ofSeconds(30))) {
            throw new IllegalStateException("InsideLLM did not drain: " + client.stats());
        }
    }

    void stop(BenchmarkParams params) {
        ClientStats stats = client.stats();
        client.close();
        System.out.printf("#events benchmark=%s queued=%d sent=%d dropped=%d%n",
                params.getBenchmark().replaceAll(".*\\.", ""), stats.eventsQueued(), stats.eventsSent(),
                stats.eventsDropped());
        if (params.getBenchmark().contains("wrapped") && (stats.eventsSent() == 0 || stats.eventsDropped() > 0)) {
            throw new IllegalStateException("the wrapper did not record every call: " + stats);
        }
    }

    /** A chat-sized request's messages: a system prompt and a question. */
    static final String SYSTEM = "You are a helpful analyst. Answer briefly.";
    static final String QUESTION = "Summarise the quarterly report in one paragraph.";

    /** The answer text as a JSON string literal (quoted and escaped). */
    static String answerJson() {
        return "\"" + BenchEvents.RESPONSE_TEXT.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
