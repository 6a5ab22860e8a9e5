package com.insidellm.collector.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.PriceTable;
import com.insidellm.collector.http.Bodies;
import com.insidellm.collector.http.Handler;
import com.insidellm.collector.http.Http;
import com.insidellm.collector.ingest.Ingestor;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/traces}: the OTLP/HTTP traces endpoint, so any OpenTelemetry-instrumented application (Spring AI,
 * the OpenTelemetry openai-java instrumentation, OpenLLMetry, OpenInference, the InsideLLM OpenTelemetry exporter)
 * can send its GenAI spans here. Accepts {@code application/x-protobuf} and {@code application/json}, gzip or not,
 * under the same authentication as ingest; the spans become events through the {@link Ingestor}, and the answer is
 * an {@code ExportTraceServiceResponse} in the request's encoding, sent after commit. Internal. Thread-safe.
 */
public final class OtlpTracesEndpoint implements Handler {

    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    private final Ingestor ingestor;
    private final ObjectMapper mapper;
    private final long maxBodyBytes;
    private final GenAiSpans spans;

    /** Creates the endpoint, estimating missing costs with the SDK's default price table. */
    public OtlpTracesEndpoint(Ingestor ingestor, ObjectMapper mapper, long maxBodyBytes) {
        this.ingestor = ingestor;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
        this.spans = new GenAiSpans(PriceTable.defaults(), mapper);
    }

    @Override
    public void handle(HttpExchange ex) throws Exception {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            Http.error(ex, 405, "use POST to export traces (OTLP/HTTP)");
            return;
        }
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals(PROTOBUF) && !type.equals(JSON)) {
            Http.error(ex, 415, "Content-Type must be " + PROTOBUF + " or " + JSON + ", but was " + contentType);
            return;
        }
        byte[] body = Bodies.read(ex, maxBodyBytes);
        if (body == null) {
            return;
        }
        boolean json = type.equals(JSON);
        List<OtlpSpan> decoded;
        try {
            decoded = json ? OtlpJson.decode(mapper.readTree(body)) : OtlpProtobuf.decode(body);
        } catch (JsonProcessingException e) {
            Http.error(ex, 400, "body is not JSON: " + e.getOriginalMessage());
            return;
        } catch (IllegalArgumentException e) {
            Http.error(ex, 400, "body is not an OTLP ExportTraceServiceRequest: " + e.getMessage());
            return;
        }
        List<ObjectNode> events = spans.convert(decoded);
        Ingestor.Result result = events.isEmpty() ? new Ingestor.Result(0, 0, List.of()) : ingestor.ingest(events);
        int rejected = result.rejected().size();
        String message = rejected == 0 ? null : rejected + " events made from these spans were rejected, first: "
                + result.rejected().get(0).reason();
        if (json) {
            ObjectNode answer = mapper.createObjectNode();
            if (message != null) {
                answer.putObject("partialSuccess").put("rejectedSpans", rejected).put("errorMessage", message);
            }
            ex.getResponseHeaders().set("Content-Type", JSON);
            Http.send(ex, 200, mapper.writeValueAsBytes(answer));
        } else {
            ex.getResponseHeaders().set("Content-Type", PROTOBUF);
            Http.send(ex, 200, message == null ? new byte[0] : partialSuccess(rejected, message));
        }
    }

    /** {@code ExportTraceServiceResponse{partial_success = 1: {rejected_spans = 1, error_message = 2}}}. */
    static byte[] partialSuccess(long rejected, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.write(0x08);
        varint(inner, rejected);
        inner.write(0x12);
        varint(inner, text.length);
        inner.write(text, 0, text.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x0a);
        varint(out, inner.size());
        out.write(inner.toByteArray(), 0, inner.size());
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
