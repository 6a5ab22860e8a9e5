package com.insidellm.collector.http;

import com.sun.net.httpserver.HttpExchange;

/**
 * Answers one request on a route registered with {@link CollectorServer#route(String, Guard, Handler)}. It must
 * answer (or close) the exchange; whatever it throws becomes a JSON error ({@link
 * com.insidellm.collector.query.Params.BadRequestException} → 400, {@link com.insidellm.collector.store.StoreBusyException}
 * → 503 with {@code Retry-After}, any other exception or error → 500, see {@link CollectorServer}). Internal.
 */
@FunctionalInterface
public interface Handler {
    /** Handles the request. */
    void handle(HttpExchange exchange) throws Exception;
}
