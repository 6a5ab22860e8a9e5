package com.insidellm.collector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Manual load generator, not a test: sends gzip batches the way the SDK does and prints events/s.
 * {@code java -cp <test classpath> com.insidellm.collector.IngestLoad http://127.0.0.1:7800 4 50 20}
 * (base URL, sender threads, batch size, seconds).
 */
public final class IngestLoad {

    private IngestLoad() {}

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:7800");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int batchSize = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        HttpClient http = HttpClient.newHttpClient();
        AtomicLong sent = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                String run = Events.uuid();
                while (System.nanoTime() < end) {
                    ArrayNode batch = Events.JSON.createArrayNode();
                    for (int i = 0; i < batchSize; i++) {
                        batch.add(Events.userInput(run, "load", Instant.now(), "a typical user message of moderate length " + i));
                    }
                    HttpRequest req = HttpRequest.newBuilder(base.resolve("/api/v1/ingest"))
                            .header("Content-Type", "application/json").header("Content-Encoding", "gzip")
                            .header("User-Agent", "insidellm-java/load")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(Api.gzip(Api.bytes(batch)))).build();
                    try {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            sent.addAndGet(batchSize);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        long start = System.nanoTime();
        long last = 0;
        for (int s = 1; s <= seconds; s++) {
            // A sampling tick for the per-second report, not a wait for background work.
            java.util.concurrent.TimeUnit.SECONDS.sleep(1);
            long now = sent.get();
            System.out.printf("t=%2ds  %,8d events/s%n", s, now - last);
            last = now;
        }
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("total %,d events in %.1f s = %,.0f events/s (%d failed requests)%n", sent.get(), elapsed,
                sent.get() / elapsed, failed.get());
    }
}
