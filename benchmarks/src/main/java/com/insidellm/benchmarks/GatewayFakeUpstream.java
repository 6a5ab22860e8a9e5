package com.insidellm.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fake OpenAI upstream on the JDK's server: a fixed chat completion, or, for {@code "stream":true}, {@code
 * chunks} content chunks {@code gap} ms apart (the first at once), the usage chunk and {@code [DONE]}.
 */
final class GatewayFakeUpstream implements AutoCloseable {
    private static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":"
            + "1733000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"The capital of France is Paris.\",\"refusal\":null},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":24,\"completion_tokens\":8,\"total_tokens\":32,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}},"
            + "\"system_fingerprint\":\"fp_bench\"}").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-upstream");
        t.setDaemon(true);
        return t;
    });

    GatewayFakeUpstream() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::answer);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange ex) throws IOException {
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!body.contains("\"stream\":true")) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, COMPLETION.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(COMPLETION);
            }
            return;
        }
        int chunks = number(body, "\"chunks\":", 5);
        int gap = number(body, "\"gap\":", 2);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < chunks; i++) {
                if (i > 0) {
                    Thread.sleep(gap);
                }
                out.write(("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,"
                        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w"
                        + i + " \"},\"finish_reason\":null}],\"usage\":null}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write(("data: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,"
                    + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
                    + "\"stop\"}],\"usage\":null}\n\ndata: {\"id\":\"chatcmpl-s\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1733000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":"
                    + "{\"prompt_tokens\":24,\"completion_tokens\":" + chunks + ",\"total_tokens\":" + (24 + chunks)
                    + "}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int number(String body, String key, int otherwise) {
        int i = body.indexOf(key);
        if (i < 0) {
            return otherwise;
        }
        int j = i + key.length();
        int k = j;
        while (k < body.length() && Character.isDigit(body.charAt(k))) {
            k++;
        }
        return Integer.parseInt(body.substring(j, k));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
