package com.insidellm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import okhttp3.mockwebserver.RecordedRequest;

/** Reads the events out of an ingestion request body as the server sees it (gzip or plain JSON array). */
final class IngestBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private IngestBodies() {
    }

    static List<JsonNode> events(RecordedRequest request) {
        try (InputStream raw = request.getBody().inputStream();
                InputStream in = "gzip".equalsIgnoreCase(request.getHeader("Content-Encoding"))
                        ? new GZIPInputStream(raw) : raw) {
            JsonNode body = JSON.readTree(in);
            List<JsonNode> events = new ArrayList<>();
            if (body.isArray()) {
                body.forEach(events::add);
            } else {
                events.add(body);
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
