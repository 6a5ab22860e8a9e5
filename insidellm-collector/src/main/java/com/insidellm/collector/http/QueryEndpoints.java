package com.insidellm.collector.http;

import com.insidellm.collector.ingest.Rejections;
import com.insidellm.collector.query.Params;
import com.insidellm.collector.query.Queries;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * The read-only query API under {@code /api/v1/}: {@code runs}, {@code runs/{id}}, {@code events}, {@code
 * stats/models}, {@code stats/timeseries}, {@code stats/tools}, {@code stats/users}, {@code stats/feedback}, {@code
 * facets}, {@code schema} (the wire schema); and {@code /health}. Internal. Thread-safe.
 */
public final class QueryEndpoints {

    private final Queries queries;
    private final byte[] schema;
    private final Rejections rejections;

    /**
     * Creates the endpoints over {@code queries}; {@code schema} is the wire schema served at {@code schema};
     * {@code rejections} are the ingest rejections {@code /health} reports.
     */
    public QueryEndpoints(Queries queries, byte[] schema, Rejections rejections) {
        this.queries = queries;
        this.schema = schema.clone();
        this.rejections = rejections;
    }

    /** {@code /api/v1/…}. */
    public void api(HttpExchange ex) throws Exception {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET");
            Http.error(ex, 405, "the query API is read-only; use GET");
            return;
        }
        String path = ex.getRequestURI().getPath().substring("/api/v1/".length());
        Params p = Params.of(ex.getRequestURI());
        byte[] body;
        switch (path) {
            case "runs" -> body = queries.runs(p);
            case "events" -> body = queries.events(p);
            case "stats/models" -> body = queries.modelStats(p);
            case "stats/timeseries" -> body = queries.timeseries(p);
            case "stats/tools" -> body = queries.toolStats(p);
            case "stats/users" -> body = queries.userStats(p);
            case "stats/feedback" -> body = queries.feedbackStats(p);
            case "facets" -> body = queries.facets();
            case "schema" -> body = schema;
            default -> {
                if (path.startsWith("runs/") && path.length() > 5 && path.indexOf('/', 5) < 0) {
                    Queries.Streamed run = queries.run(path.substring(5).toLowerCase(Locale.ROOT), p);
                    if (run == null) {
                        Http.error(ex, 404, "no run with id " + path.substring(5));
                        return;
                    }
                    stream(ex, run);
                    return;
                } else {
                    Http.error(ex, 404, "no such endpoint: /api/v1/" + path);
                    return;
                }
            }
        }
        Http.json(ex, 200, body);
    }

    /** Sends a JSON document as it is written (chunked), so a large run is never held in memory whole. */
    private static void stream(HttpExchange ex, Queries.Streamed body) throws IOException {
        Http.securityHeaders(ex);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = new BufferedOutputStream(ex.getResponseBody(), 64 * 1024)) {
            body.writeTo(out);
        }
        ex.close();
    }

    /** {@code /health}: 200 while the store can serve, else 503; with the count of rejected events. */
    public void health(HttpExchange ex) throws Exception {
        Queries.Health health = queries.health(rejections.count(), rejections.last());
        Http.json(ex, health.ok() ? 200 : 503, health.json());
    }
}
