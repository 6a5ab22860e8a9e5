package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.http.Handler;
import com.insidellm.collector.http.Http;
import com.insidellm.collector.query.Params;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.OutputStream;

/**
 * {@code GET /api/v1/export?format=openai-chat[&from&to&model&user&run]}: the recorded calls as a JSON-lines dataset
 * ({@link DatasetExport}), streamed as it is read. A reader's route (the viewer token when one is set). Internal.
 * Thread-safe.
 */
public final class ExportEndpoint implements Handler {

    private final Store store;
    private final ObjectMapper mapper;

    /** Creates the endpoint over {@code store}. */
    public ExportEndpoint(Store store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    @Override
    public void handle(HttpExchange ex) throws Exception {
        if (!ex.getRequestMethod().equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET");
            Http.error(ex, 405, "use GET to export");
            return;
        }
        Params params = Params.of(ex.getRequestURI());
        String format = params.get("format");
        if (format == null || !format.equals(DatasetExport.FORMAT)) {
            Http.error(ex, 400, "format must be " + DatasetExport.FORMAT + ", but was " + format);
            return;
        }
        EventFilter filter = DatasetExport.filter(params);
        Http.securityHeaders(ex);
        ex.getResponseHeaders().set("Content-Type", "application/jsonl; charset=utf-8");
        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"insidellm-openai-chat.jsonl\"");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = new BufferedOutputStream(ex.getResponseBody(), 64 * 1024)) {
            DatasetExport.write(store, filter, mapper, out);
        }
        ex.close();
    }
}
