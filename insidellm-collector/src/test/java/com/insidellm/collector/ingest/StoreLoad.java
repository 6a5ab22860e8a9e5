package com.insidellm.collector.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Manual measurement, not a test: JSON parsing, validation and the SQLite store, without HTTP, on one thread, with
 * random (v4) event ids as the SDKs send. Args: events, batch size, [short|1kb, default short: a one-line user.input
 * or ~1 KB of varied text], [process|power durability, default process].
 */
public final class StoreLoad {

    private StoreLoad() {}

    public static void main(String[] args) throws Exception {
        int total = Integer.parseInt(args[0]);
        int batchSize = Integer.parseInt(args[1]);
        ObjectMapper mapper = new ObjectMapper();
        boolean large = args.length > 2 && args[2].equals("1kb");
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        Path directory = com.insidellm.collector.LoadDirectories.create("storeload");
        Path db = directory.resolve("s.db");
        try {
            try (SqliteStore store = new SqliteStore(db, null, args.length > 3 && args[3].equals("power"), Clock.systemUTC())) {
                Ingestor ingestor = new Ingestor(store, mapper);
                String run = UUID.randomUUID().toString();
                byte[][] bodies = new byte[total / batchSize][];
                for (int b = 0; b < bodies.length; b++) {
                    ArrayNode batch = mapper.createArrayNode();
                    for (int i = 0; i < batchSize; i++) {
                        ObjectNode e = batch.addObject();
                        e.put("event_id", UUID.randomUUID().toString()).put("run_id", run)
                                .put("timestamp", Instant.now().toString()).put("event_type", "user.input").put("user_id", "load");
                        String input = large ? text(random) : "a typical user message of moderate length " + i;
                        e.putObject("payload").put("input_text", input);
                    }
                    bodies[b] = mapper.writeValueAsBytes(batch);
                }
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long parseNanos = 0;
                for (byte[] body : bodies) {
                    long p0 = System.nanoTime();
                    var node = mapper.readTree(body);
                    parseNanos += System.nanoTime() - p0;
                    ingestor.ingest(node);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(large ? "~1 KB events: " : "short events: ");
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                System.out.printf("%d events, batch %d: %.2f s = %,.0f events/s (parse %.2f s), %.1f µs CPU per event%n",
                        total, batchSize, s, total / s, parseNanos / 1e9, cpu / 1e3 / total);
            }
        } finally {
            com.insidellm.collector.LoadDirectories.delete(directory);
        }
    }

    private static final String[] WORDS = ("the model answered with a short plan then called the search tool twice"
            + " before it summarised what it found about pricing latency tokens and the customer's refund request while"
            + " the agent kept track of each step").split(" ");

    /** About 1 KB of words in random order, so that no two events compress alike. */
    private static String text(java.util.SplittableRandom random) {
        StringBuilder sb = new StringBuilder(1100);
        while (sb.length() < 1000) {
            sb.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return sb.toString();
    }
}
