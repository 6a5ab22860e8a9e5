package com.insidellm.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standalone mode: an OpenTelemetry SDK of the exporter's own, batching spans to an OTLP/HTTP endpoint. The only
 * class that touches SDK types, so an application with the API alone never loads it. Thread-safe.
 */
final class StandaloneSdk {

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private StandaloneSdk(SdkTracerProvider provider, Tracer tracer) {
        this.provider = provider;
        this.tracer = tracer;
    }

    static StandaloneSdk create(String endpoint, Map<String, String> headers, String serviceName) {
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint)
                .setCompression("gzip");
        headers.forEach(exporter::addHeader);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.builder()
                        .put(AttributeKey.stringKey("service.name"), serviceName).build()))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter.build()).build())
                .build();
        OpenTelemetry sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        return new StandaloneSdk(provider, OpenTelemetryExporter.tracer(sdk));
    }

    Tracer tracer() {
        return tracer;
    }

    /** Whether everything ended so far was exported within {@code timeout}. */
    boolean flush(Duration timeout) {
        return provider.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
    }

    /** Whether the SDK delivered what it held and stopped within {@code deadline}. */
    boolean shutdown(Duration deadline) {
        return provider.shutdown().join(deadline.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
    }

    /** Flushes the application's SDK when it is one (the API has no flush); true when there was nothing to do. */
    static boolean flushIfSdk(OpenTelemetry openTelemetry, Duration timeout) {
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            return sdk.getSdkTracerProvider().forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .isSuccess();
        }
        return true;
    }
}
