package com.insidellm.examples;

import com.insidellm.InsideLlmClient;
import com.insidellm.opentelemetry.Dialect;
import com.insidellm.opentelemetry.OpenTelemetryExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;

/**
 * Sends InsideLLM runs to an OpenTelemetry backend as GenAI spans: the application's OpenTelemetry SDK exports
 * OTLP/HTTP, and {@code insidellm-opentelemetry} turns each recorded event into spans on it. The agent is
 * {@link TrackerExample}'s (a model call, two tool calls, one of which fails).
 *
 * <p>Any OTLP backend works (Jaeger, Grafana Tempo, Langfuse, Arize Phoenix, Honeycomb); offline, the local
 * collector is one, since it receives OTLP at {@code /v1/traces}: {@code ./demo.sh --run OpenTelemetryExport}. With
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} set, the spans go there instead.
 */
public final class OpenTelemetryExport {

    private OpenTelemetryExport() {}

    /** Exports to {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, else to the collector at {@code args[0]}. */
    public static void main(String[] args) {
        String endpoint = System.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        System.out.println("OpenTelemetryExport: " + run(endpoint != null ? endpoint
                : Examples.collectorUrl(args) + "/v1/traces"));
    }

    /** Records one agent run as spans sent to {@code otlpTracesEndpoint}; returns the agent's answer. */
    static String run(String otlpTracesEndpoint) {
        // README: send to your OpenTelemetry backend
        OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()   // the application's own (Spring Boot's bean)
                .setTracerProvider(SdkTracerProvider.builder()
                        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                                AttributeKey.stringKey("service.name"), "weather-agent"))))
                        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                .setEndpoint(otlpTracesEndpoint)     // e.g. http://localhost:4318/v1/traces
                                .build()).build())
                        .build())
                .build();
        InsideLlmClient client = InsideLlmClient.builder()            // no API key: to the exporters only
                .addExporter(OpenTelemetryExporter.builder()
                        .openTelemetry(openTelemetry)
                        .captureContent(true)                         // prompts and answers too (off by default)
                        .dialect(Dialect.GEN_AI)                      // or LANGFUSE, OPENINFERENCE
                        .build())
                .build();
        // end README
        try (openTelemetry; client) {                                 // closes the client first, then the SDK
            String answer = TrackerExample.run(client);
            Examples.requireDelivered(client.flush(java.time.Duration.ofSeconds(10)), client.stats());
            return answer;
        }
    }
}
