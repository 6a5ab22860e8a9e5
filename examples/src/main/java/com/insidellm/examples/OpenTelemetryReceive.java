package com.insidellm.examples;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.List;

/**
 * An application instrumented with OpenTelemetry only (no InsideLLM SDK) whose GenAI spans the collector turns into
 * runs: it exports OTLP/HTTP to the collector's {@code /v1/traces}. The spans carry the attributes the OpenTelemetry
 * openai-java instrumentation puts on a chat completion (and Spring AI on its {@code chat} observations), written
 * here by hand so the example runs offline without an OpenAI key; an instrumented application sends the same.
 *
 * <p>{@code ./demo.sh --run OpenTelemetryReceive}, then open the viewer: one run, {@code POST /ask} with two model
 * calls, their tokens and cost.
 */
public final class OpenTelemetryReceive {

    private OpenTelemetryReceive() {}

    /** Sends to the collector at {@code args[0]}, default {@code http://127.0.0.1:7800}. */
    public static void main(String[] args) {
        System.out.println("OpenTelemetryReceive: trace " + run(Examples.collectorUrl(args)));
    }

    /** Sends one traced request with two model calls to the collector at {@code collector}; returns the trace id. */
    static String run(String collector) {
        // README: receive from OpenTelemetry apps
        OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                                AttributeKey.stringKey("service.name"), "ask-service"))))
                        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                                .setEndpoint(collector + "/v1/traces")         // the InsideLLM collector
                                .addHeader("Authorization", "Bearer local-key")  // when it requires ingest keys
                                .build()).build())
                        .build())
                .build();
        // end README
        try (openTelemetry) {
            Tracer tracer = openTelemetry.getTracer("io.opentelemetry.openai-java-1.1");
            Span request = tracer.spanBuilder("POST /ask").setSpanKind(SpanKind.SERVER)
                    .setAttribute("user.id", "user-7").startSpan();
            try (Scope ignored = request.makeCurrent()) {
                chat(tracer, "What is OTLP?", 31, 42);
                chat(tracer, "And OTLP/HTTP?", 80, 25);
            } finally {
                request.end();
            }
            return request.getSpanContext().getTraceId();
        } // closing the SDK delivers the batch
    }

    /** One chat completion span as the openai-java instrumentation records it. */
    private static void chat(Tracer tracer, String question, long inputTokens, long outputTokens) {
        Span chat = tracer.spanBuilder("chat gpt-4o-mini").setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.provider.name", "openai").setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.request.model", "gpt-4o-mini").setAttribute("gen_ai.prompt", question)
                .startSpan();
        chat.setAttribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18");
        chat.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop"));
        chat.setAttribute("gen_ai.usage.input_tokens", inputTokens);
        chat.setAttribute("gen_ai.usage.output_tokens", outputTokens);
        chat.end();
    }
}
