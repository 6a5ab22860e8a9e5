package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.http.Http;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import okhttp3.Call;
import okio.BufferedSource;

/**
 * Relays a streamed answer to the client event by event as it arrives, never buffered whole: OpenAI-compatible
 * chunks pass through as they came (minus the usage chunk the gateway asked for on a client's behalf), Anthropic's
 * events are translated into OpenAI chunks one by one. The chunks are kept on the {@link ProxiedCall} for the record.
 * Internal. Thread-safe (state lives in each call).
 */
final class StreamRelay {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

    /** What happens to a call once its answer is complete (recorded unless suppressed). */
    @FunctionalInterface
    interface Finish {
        void finish(ProxiedCall call, boolean suppressed);
    }

    private final ObjectMapper mapper;
    private final Clock clock;
    private final Finish finish;

    StreamRelay(ObjectMapper mapper, Clock clock, Finish finish) {
        this.mapper = mapper;
        this.clock = clock;
        this.finish = finish;
    }

    /** Passes the stream on event by event; from Anthropic, each event translated into OpenAI chunks. */
    void relay(HttpExchange ex, ProxiedCall call, ProxyConfig.Route route, BufferedSource source,
            Call upstreamCall, boolean clientWantsUsage, boolean suppressed, String contentType) throws IOException {
        boolean anthropic = route.provider() == ProxyConfig.Provider.ANTHROPIC;
        Http.securityHeaders(ex);
        ex.getResponseHeaders().set("Content-Type", anthropic ? "text/event-stream; charset=utf-8" : contentType);
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        AnthropicStream translator = anthropic ? new AnthropicStream(clock.millis() / 1000) : null;
        StringBuilder data = new StringBuilder();
        boolean done = false;
        String line;
        while ((line = source.readUtf8Line()) != null) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    String event = data.toString();
                    data.setLength(0);
                    if (translator == null) {
                        done = passOn(out, call, event, clientWantsUsage, suppressed);
                    } else {
                        done = translate(out, call, translator, event, clientWantsUsage, suppressed);
                    }
                    if (done) {
                        break;
                    }
                }
                continue;
            }
            if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line, line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5, line.length());
            } else if (line.startsWith(":") && translator == null) {
                write(out, (line + "\n\n").getBytes(StandardCharsets.UTF_8), true);
            }
            // "event:" lines: Anthropic repeats the type inside the data; OpenAI sends none.
        }
        if (!done && translator != null && translator.error() != null) {
            throw new IOException("the upstream stream reported an error: " + translator.error());
        }
        if (!done) {
            // An upstream that ends without [DONE] (some OpenAI-compatible servers do): still a complete answer.
            call.end(micros(clock), System.nanoTime());
            finish.finish(call, suppressed);
            write(out, DONE, true);
        }
        upstreamCall.cancel(); // releases the connection at once if the upstream sent anything after [DONE]
        ex.close();
    }

    /** OpenAI route: the chunk goes out as it came, except the usage the client did not ask for. */
    private boolean passOn(OutputStream out, ProxiedCall call, String data, boolean clientWantsUsage,
            boolean suppressed) throws IOException {
        if (data.equals("[DONE]")) {
            call.end(micros(clock), System.nanoTime());
            finish.finish(call, suppressed);
            write(out, DONE, true);
            return true;
        }
        call.chunks.add(data);
        if (call.firstTokenNanos == 0 && carriesToken(data)) {
            call.firstTokenNanos = System.nanoTime();
        }
        if (!clientWantsUsage) {
            if (data.contains("\"choices\":[]") && data.contains("\"usage\":{")) {
                return false; // the usage chunk we asked for on the client's behalf
            }
            data = data.replace(",\"usage\":null", "");
        }
        // An event of several data lines goes out as several data lines again.
        write(out, ("data: " + data.replace("\n", "\ndata: ") + "\n\n").getBytes(StandardCharsets.UTF_8), true);
        return false;
    }

    /** Anthropic route: one event in, its OpenAI chunks out. */
    private boolean translate(OutputStream out, ProxiedCall call, AnthropicStream translator, String data,
            boolean clientWantsUsage, boolean suppressed) throws IOException {
        JsonNode event = mapper.readTree(data);
        if (event.path("type").asText().equals("error")) {
            translator.onEvent(event);
            return false;
        }
        boolean stop = event.path("type").asText().equals("message_stop");
        StringBuilder sb = new StringBuilder(256);
        for (ObjectNode chunk : translator.onEvent(event)) {
            String json = mapper.writeValueAsString(chunk);
            call.chunks.add(json);
            boolean usageOnly = chunk.path("choices").isEmpty() && chunk.has("usage");
            if (call.firstTokenNanos == 0 && !usageOnly && carriesToken(json)) {
                call.firstTokenNanos = System.nanoTime();
            }
            if (usageOnly && !clientWantsUsage) {
                continue;
            }
            sb.append("data: ").append(json).append("\n\n");
        }
        if (stop) {
            call.end(micros(clock), System.nanoTime());
            finish.finish(call, suppressed);
            sb.append("data: [DONE]\n\n");
        }
        if (sb.length() > 0) {
            write(out, sb.toString().getBytes(StandardCharsets.UTF_8), true);
        }
        return stop;
    }

    /** Whether an OpenAI chunk holds the first piece of an answer (text or a tool call), for time to first token. */
    static boolean carriesToken(String chunk) {
        int i = chunk.indexOf("\"content\":\"");
        if (i >= 0 && i + 11 < chunk.length() && chunk.charAt(i + 11) != '"') {
            return true;
        }
        return chunk.contains("\"tool_calls\":[");
    }

    private static void write(OutputStream out, byte[] bytes, boolean flush) {
        try {
            out.write(bytes);
            if (flush) {
                out.flush();
            }
        } catch (IOException e) {
            throw new ClientGone(e);
        }
    }

    /** Now, in microseconds since the epoch, from {@code clock}. */
    static long micros(Clock clock) {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Writing to the client failed: it went away. */
    static final class ClientGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClientGone(IOException cause) {
            super(cause);
        }
    }
}
