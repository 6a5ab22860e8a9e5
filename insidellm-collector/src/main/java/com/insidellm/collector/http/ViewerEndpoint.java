package com.insidellm.collector.http;

import com.insidellm.collector.query.Params;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * The viewer's static files, behind the viewer token when one is configured: a first visit with {@code ?token=}
 * trades it for an HttpOnly cookie and drops it from the address bar. Internal. Thread-safe.
 */
public final class ViewerEndpoint implements Handler {

    private final Access access;
    private final StaticFiles staticFiles = new StaticFiles();

    /** Creates the endpoint with {@code server}'s access policy. */
    public ViewerEndpoint(CollectorServer server) {
        this.access = server.access();
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET");
            Http.error(ex, 405, "use GET");
            return;
        }
        String path = ex.getRequestURI().getPath();
        if (access.viewerTokenRequired()) {
            if (access.matchesToken(Access.queryToken(ex))) {
                // Trade the token in the address for a cookie, and drop it from the address bar and history.
                ex.getResponseHeaders().add("Set-Cookie", Access.COOKIE + "=" + Params.of(ex.getRequestURI()).get("token")
                        + "; Path=/; HttpOnly; SameSite=Strict");
                ex.getResponseHeaders().set("Location", path);
                Http.send(ex, 303, new byte[0]);
                return;
            }
            if (!access.viewerAllowed(ex)) {
                Http.text(ex, 401, "This collector requires a viewer token. Open it as " + path + "?token=<token>.");
                return;
            }
        }
        StaticFiles.Resource resource = staticFiles.get(path);
        if (resource == null) {
            Http.text(ex, 404, "Not found: " + path);
            return;
        }
        ex.getResponseHeaders().set("Content-Type", resource.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        Http.send(ex, 200, resource.bytes());
    }
}
