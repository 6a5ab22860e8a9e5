package com.insidellm.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback ingest backend that goes down and comes back on a fixed schedule: up for {@code upMillis} (202, events
 * recorded; every 40th answer comes after the client's request timeout, so the client sends that batch again and the
 * backend sees a duplicate it must de-duplicate by {@code event_id}), then down for {@code downMillis} (every request
 * answered 503). Records, per event id, how often it arrived, and which sequence numbers (the {@code seq:N} input
 * text the load program logs) arrived. Thread-safe.
 */
final class FlappingBackend implements AutoCloseable {

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final long upNanos;
    private final long downNanos;
    private final long slowAnswerMillis;
    private final long startNanos = System.nanoTime();
    private volatile boolean steady;
    private volatile boolean forcedDown;
    final Map<String, Integer> deliveriesById = new ConcurrentHashMap<>();
    private final BitSet sequences = new BitSet();
    final AtomicLong deliveries = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong lateAnswers = new AtomicLong();
    private final AtomicInteger acceptedRequests = new AtomicInteger();

    FlappingBackend(long upMillis, long downMillis, long slowAnswerMillis) throws IOException {
        this.upNanos = TimeUnit.MILLISECONDS.toNanos(upMillis);
        this.downNanos = TimeUnit.MILLISECONDS.toNanos(downMillis);
        this.slowAnswerMillis = slowAnswerMillis;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "flapping-backend");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/api/v1/ingest", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether the backend answers now. */
    boolean isUp() {
        if (forcedDown) {
            return false;
        }
        if (steady) {
            return true;
        }
        long phase = (System.nanoTime() - startNanos) % (upNanos + downNanos);
        return phase < upNanos;
    }

    /** Down (503) until {@code false} again, whatever the schedule says: an outage around a restart. */
    void forceDown(boolean down) {
        forcedDown = down;
    }

    /** Stops flapping: up from now on. */
    void stayUp() {
        steady = true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (!isUp()) {
            refused.incrementAndGet();
            answer(exchange, 503, "{\"detail\":\"down for maintenance\"}");
            return;
        }
        JsonNode root = JSON.readTree(body);
        for (JsonNode event : root.isArray() ? root : JSON.createArrayNode().add(root)) {
            deliveries.incrementAndGet();
            deliveriesById.merge(event.get("event_id").asText(), 1, Integer::sum);
            String text = event.path("payload").path("input_text").asText("");
            if (text.startsWith("seq:")) {
                int seq = Integer.parseInt(text.substring(4));
                synchronized (sequences) {
                    sequences.set(seq);
                }
            }
        }
        if (!steady && acceptedRequests.incrementAndGet() % 40 == 0) {
            // Stored, but answered after the client gave up: the client sends the batch again.
            lateAnswers.incrementAndGet();
            try {
                Thread.sleep(slowAnswerMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer(exchange, 202, "{\"status\":\"accepted\"}");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException clientGone) {
            // the client timed out and hung up
        } finally {
            exchange.close();
        }
    }

    /** How many distinct sequence numbers below {@code count} arrived. */
    int distinctSequences(int count) {
        synchronized (sequences) {
            return sequences.get(0, count).cardinality();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
