package com.insidellm.collector.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Manual measurement, not a test: validation + store without HTTP. Args: events, batch size, [full|process], [v7|v4]: v7 sends time-ordered
 * event ids (what the SDK generates), v4 random ones. */
public final class StoreLoad {

  private StoreLoad() {}

  public static void main(String[] args) throws Exception {
    int total = Integer.parseInt(args[0]);
    int batchSize = Integer.parseInt(args[1]);
    ObjectMapper mapper = new ObjectMapper();
    boolean ordered = args.length > 3 && args[3].equals("v7");
    Path db = Files.createTempDirectory("storeload").resolve("s.db");
    try (EventStore store = new EventStore(db, null, args.length > 2 && args[2].equals("full"), Clock.systemUTC())) {
      Ingestor ingestor = new Ingestor(store, mapper);
      String run = UUID.randomUUID().toString();
      byte[][] bodies = new byte[total / batchSize][];
      for (int b = 0; b < bodies.length; b++) {
        ArrayNode batch = mapper.createArrayNode();
        for (int i = 0; i < batchSize; i++) {
          ObjectNode e = batch.addObject();
          e.put("event_id", ordered ? timeOrderedId() : UUID.randomUUID().toString()).put("run_id", run).put("timestamp", Instant.now().toString())
              .put("event_type", "user.input").put("user_id", "load");
          e.putObject("payload").put("input_text", "a typical user message of moderate length " + i);
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
      System.out.printf(ordered ? "time-ordered ids: " : "random ids: ");
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      System.out.printf("%d events, batch %d: %.2f s = %,.0f events/s (parse %.2f s), %.1f µs CPU per event%n",
          total, batchSize, s, total / s, parseNanos / 1e9, cpu / 1e3 / total);
    }
  }

  /** A version-7 UUID: milliseconds first, so consecutive ids sort together. */
  private static String timeOrderedId() {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    long msb = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0fffL);
    long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
