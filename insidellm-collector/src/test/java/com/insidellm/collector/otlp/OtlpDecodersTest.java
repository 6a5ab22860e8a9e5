package com.insidellm.collector.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The two decoders against the OpenTelemetry SDK exporter's own encoders ({@code TraceRequestMarshaler}, what
 * {@code OtlpHttpSpanExporter} sends): every attribute value type, events, links and status, in protobuf and JSON.
 */
class OtlpDecodersTest {

    private static List<SpanData> spans() {
        List<SpanData> out = new ArrayList<>();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "svc")))
                // A processor makes the spans recording; the no-op exporter behind it sends nothing.
                .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite())).build()) {
            Tracer tracer = provider.get("test");
            Span root = tracer.spanBuilder("root").setStartTimestamp(1_000, TimeUnit.NANOSECONDS).startSpan();
            Span child = tracer.spanBuilder("chat gpt-4o").setParent(Context.root().with(root))
                    .setSpanKind(SpanKind.CLIENT).setStartTimestamp(1_772_355_600_123_456_789L, TimeUnit.NANOSECONDS)
                    .addLink(root.getSpanContext(), Attributes.of(AttributeKey.stringKey("link"), "ignored"))
                    .setAttribute("s", "é ☃").setAttribute("l", -42L).setAttribute("d", 0.25)
                    .setAttribute("b", true)
                    .setAttribute(AttributeKey.stringArrayKey("sa"), List.of("stop", "length"))
                    .setAttribute(AttributeKey.longArrayKey("la"), List.of(1L, 2L))
                    .setAttribute(AttributeKey.doubleArrayKey("da"), List.of(0.5))
                    .setAttribute(AttributeKey.booleanArrayKey("ba"), List.of(false)).startSpan();
            child.addEvent("exception", Attributes.of(AttributeKey.stringKey("exception.type"), "Boom"),
                    1_772_355_600_200_000_000L, TimeUnit.NANOSECONDS);
            child.setStatus(StatusCode.ERROR, "boom");
            child.end(1_772_355_600_999_000_001L, TimeUnit.NANOSECONDS);
            root.end(1_772_355_601_000_000_000L, TimeUnit.NANOSECONDS);
            // The SDK's spans are readable: their data is what its exporters encode.
            out.add(((ReadableSpan) child).toSpanData());
            out.add(((ReadableSpan) root).toSpanData());
        }
        return out;
    }

    private static void check(List<OtlpSpan> decoded, List<SpanData> sent) {
        assertThat(decoded).hasSize(2);
        SpanData sentChild = sent.get(0);
        OtlpSpan child = decoded.get(0);
        assertThat(child.traceId()).isEqualTo(sentChild.getTraceId());
        assertThat(child.spanId()).isEqualTo(sentChild.getSpanId());
        assertThat(child.parentSpanId()).isEqualTo(sentChild.getParentSpanId());
        assertThat(child.name()).isEqualTo("chat gpt-4o");
        assertThat(child.kind()).isEqualTo(3);
        assertThat(child.startNanos()).isEqualTo(1_772_355_600_123_456_789L);
        assertThat(child.endNanos()).isEqualTo(1_772_355_600_999_000_001L);
        assertThat(child.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("s", "é ☃", "l", -42L, "d", 0.25,
                "b", true, "sa", List.of("stop", "length"), "la", List.of(1L, 2L), "da", List.of(0.5),
                "ba", List.of(false)));
        assertThat(child.events()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("exception");
            assertThat(e.timeNanos()).isEqualTo(1_772_355_600_200_000_000L);
            assertThat(e.attributes()).containsEntry("exception.type", "Boom");
        });
        assertThat(child.statusCode()).isEqualTo(OtlpSpan.STATUS_ERROR);
        assertThat(child.statusMessage()).isEqualTo("boom");
        assertThat(child.resource()).containsEntry("service.name", "svc");
        OtlpSpan root = decoded.get(1);
        assertThat(root.parentSpanId()).isNull();
        assertThat(root.startNanos()).isEqualTo(1_000);
        assertThat(root.failed()).isFalse();
    }

    @Test
    void theProtobufDecoderReadsWhatTheSdkExporterSends() throws IOException {
        List<SpanData> sent = spans();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(sent).writeBinaryTo(body);
        check(OtlpProtobuf.decode(body.toByteArray()), sent);
    }

    @Test
    void theJsonDecoderReadsWhatTheSdkExporterSends() throws IOException {
        List<SpanData> sent = spans();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(sent).writeJsonTo(body);
        check(OtlpJson.decode(new ObjectMapper().readTree(body.toByteArray())), sent);
    }

    @Test
    void truncatedOrInvalidProtobufIsRejectedWithAReason() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(spans()).writeBinaryTo(body);
        byte[] full = body.toByteArray();
        byte[] truncated = java.util.Arrays.copyOf(full, full.length - 7);
        assertThatThrownBy(() -> OtlpProtobuf.decode(truncated)).isInstanceOf(OtlpProtobuf.MalformedException.class)
                .hasMessageContaining("past the end");
        assertThatThrownBy(() -> OtlpProtobuf.decode(new byte[] {0x0b})) // wire type 3 (groups) is not OTLP
                .isInstanceOf(OtlpProtobuf.MalformedException.class).hasMessageContaining("wire type");
        assertThat(OtlpProtobuf.decode(new byte[0])).isEmpty();
    }
}
