package com.insidellm.collector.http;

import com.insidellm.collector.query.LiveTail;
import com.insidellm.collector.query.Params;
import com.insidellm.collector.query.Queries;
import com.insidellm.collector.store.StoreException;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/live}: new events as Server-Sent Events ({@code id:} is the sequence number, so a reconnecting
 * browser resumes exactly with {@code Last-Event-ID}), a keep-alive comment every 15 s. Each client holds one thread
 * of the server's stream pool. Internal. Thread-safe.
 */
public final class LiveTailEndpoint implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(LiveTailEndpoint.class);
    private static final long HEARTBEAT_MILLIS = 15_000;

    private final Queries queries;
    private final CollectorServer server;

    /** Creates the endpoint; streams run on {@code server}'s stream pool and end when it closes. */
    public LiveTailEndpoint(Queries queries, CollectorServer server) {
        this.queries = queries;
        this.server = server;
    }

    @Override
    public void handle(HttpExchange ex) throws Exception {
        LiveTail tail = queries.liveTail(Params.of(ex.getRequestURI()), ex.getRequestHeaders().getFirst("Last-Event-ID"));
        try {
            server.streams().execute(() -> stream(ex, tail));
        } catch (RejectedExecutionException e) {
            ex.getResponseHeaders().set("Retry-After", "5");
            Http.error(ex, 503, "too many live clients (at most " + CollectorServer.MAX_STREAMS + ")");
        }
    }

    /** Streams events until the client leaves or the collector stops. */
    private void stream(HttpExchange ex, LiveTail tail) {
        try (ex) {
            Http.securityHeaders(ex);
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("retry: 2000\n: connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (!server.closed()) {
                List<LiveTail.Item> page = tail.next();
                for (LiveTail.Item item : page) {
                    out.write(("id: " + item.seq() + "\nevent: event\ndata: ").getBytes(StandardCharsets.UTF_8));
                    out.write(item.json().getBytes(StandardCharsets.UTF_8));
                    out.write("\n\n".getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                if (LiveTail.full(page)) {
                    continue;
                }
                if (!tail.awaitMore(HEARTBEAT_MILLIS) && !server.closed()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException e) {
            LOG.debug("live client left: {}", e.toString());
        } catch (StoreException e) {
            LOG.warn("live tail query failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
