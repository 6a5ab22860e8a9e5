package com.insidellm.collector.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Helpers for writing HTTP answers with the collector's security headers, for every endpoint (a gateway's or a
 * receiver's too). Internal.
 */
public final class Http {

    /** Strict policy for the viewer: only our own scripts and styles, no framing, no plugins, no outside requests. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final JsonFactory JSON = new JsonFactory();

    private Http() {}

    /** Headers every answer carries. */
    public static void securityHeaders(HttpExchange ex) {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        h.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** Sends {@code body} as JSON with {@code status} and closes the exchange. */
    public static void json(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, body);
    }

    /**
     * Sends {@code {"error": message}} with {@code status}; on the gateway's OpenAI API paths ({@code /v1/chat/…},
     * {@code /v1/models}, …) the OpenAI shape of {@link #openAiError}, which OpenAI clients understand.
     */
    public static void error(HttpExchange ex, int status, String message) throws IOException {
        if (openAiPath(ex.getRequestURI().getPath())) {
            json(ex, status, openAiError(status, message, null));
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        }
        json(ex, status, out.toByteArray());
    }

    /** The OpenAI API's paths the gateway answers on (not OTLP's {@code /v1/traces}, which has its own errors). */
    private static boolean openAiPath(String path) {
        return path.startsWith("/v1/chat/") || path.startsWith("/v1/models") || path.startsWith("/v1/completions")
                || path.startsWith("/v1/embeddings") || path.startsWith("/v1/responses");
    }

    /** An OpenAI-style error body, {@code {"error": {"message", "type", "param", "code"}}}, typed by status. */
    public static byte[] openAiError(int status, String message, @Nullable String code) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", switch (status) {
                case 401 -> "authentication_error";
                case 403 -> "permission_error";
                case 429 -> "rate_limit_error";
                case 502, 504 -> "upstream_error";
                default -> status >= 500 ? "server_error" : "invalid_request_error";
            });
            g.writeNullField("param");
            if (code == null) {
                g.writeNullField("code");
            } else {
                g.writeStringField("code", code);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sends {@code body} with {@code status} and closes the exchange; a HEAD request gets no body. */
    public static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        securityHeaders(ex);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        ex.close();
    }

    /** Plain text answer. */
    public static void text(HttpExchange ex, int status, String text) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(ex, status, text.getBytes(StandardCharsets.UTF_8));
    }
}
