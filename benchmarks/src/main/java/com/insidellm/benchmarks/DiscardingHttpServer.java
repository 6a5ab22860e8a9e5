package com.insidellm.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback HTTP server that reads every request body, throws it away and answers 200 with a tiny body: the
 * cheapest possible backend, so that a delivery benchmark measures the client. Uses the JDK's server, which on this
 * machine answers faster than OkHttp's MockWebServer (no request recording).
 */
final class DiscardingHttpServer implements AutoCloseable {

    static {
        // The JDK server leaves Nagle's algorithm on unless told otherwise (read once, when its config loads).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final byte[] OK = "{\"success\":true}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService executor;
    private final LongAdder requests = new LongAdder();
    private final LongAdder bodyBytes = new LongAdder();

    DiscardingHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "discarding-http-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            try (InputStream in = exchange.getRequestBody()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    total += n;
                }
            }
            bodyBytes.add(total);
            requests.increment();
            // A small JSON body because Segment's client parses one; InsideLLM ignores it.
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, OK.length);
            exchange.getResponseBody().write(OK);
            exchange.close();
        });
        server.start();
    }

    /** The server's base URL, for example {@code http://127.0.0.1:40123}. */
    String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    long requests() {
        return requests.sum();
    }

    long bodyBytes() {
        return bodyBytes.sum();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
