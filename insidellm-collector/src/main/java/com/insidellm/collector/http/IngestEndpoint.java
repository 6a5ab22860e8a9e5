package com.insidellm.collector.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.ingest.Ingestor;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;

/**
 * {@code POST /api/v1/ingest}: a JSON array of events (or one bare event), answered after commit with
 * {@code {"accepted", "duplicates", "rejected": [{index, event_id, reason}]}}. Internal. Thread-safe.
 */
public final class IngestEndpoint implements Handler {

    private final Ingestor ingestor;
    private final ObjectMapper mapper;
    private final long maxBodyBytes;

    /** Creates the endpoint; {@code mapper} must fail on trailing tokens. */
    public IngestEndpoint(Ingestor ingestor, ObjectMapper mapper, long maxBodyBytes) {
        this.ingestor = ingestor;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(HttpExchange ex) throws Exception {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            Http.error(ex, 405, "use POST to ingest events");
            return;
        }
        byte[] body = Bodies.read(ex, maxBodyBytes);
        if (body == null) {
            return;
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            Http.error(ex, 400, "body is not JSON: " + e.getOriginalMessage());
            return;
        }
        if (root == null || root.isMissingNode()) {
            Http.error(ex, 400, "body is empty: send an event object or an array of events");
            return;
        }
        Ingestor.Result result = ingestor.ingest(root);
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("accepted", result.accepted());
            g.writeNumberField("duplicates", result.duplicates());
            g.writeArrayFieldStart("rejected");
            for (Ingestor.Rejection r : result.rejected()) {
                g.writeStartObject();
                g.writeNumberField("index", r.index());
                g.writeStringField("event_id", r.eventId());
                g.writeStringField("reason", r.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        Http.json(ex, 200, out.toByteArray());
    }
}
