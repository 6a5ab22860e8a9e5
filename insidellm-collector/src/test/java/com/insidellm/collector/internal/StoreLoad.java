package com.insidellm.collector.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** Manual measurement, not a test: validation + store without HTTP. Args: events, batch size, [full]. */
public final class StoreLoad {

  private StoreLoad() {}

  public static void main(String[] args) throws Exception {
    int total = Integer.parseInt(args[0]);
    int batchSize = Integer.parseInt(args[1]);
    ObjectMapper mapper = new ObjectMapper();
    Path db = Files.createTempDirectory("storeload").resolve("s.db");
    try (EventStore store = new EventStore(db, null, args.length > 2 && args[2].equals("full"), Clock.systemUTC())) {
      Ingestor ingestor = new Ingestor(store, mapper);
      String run = UUID.randomUUID().toString();
      byte[][] bodies = new byte[total / batchSize][];
      for (int b = 0; b < bodies.length; b++) {
        ArrayNode batch = mapper.createArrayNode();
        for (int i = 0; i < batchSize; i++) {
          ObjectNode e = batch.addObject();
          e.put("event_id", UUID.randomUUID().toString()).put("run_id", run).put("timestamp", Instant.now().toString())
              .put("event_type", "user.input").put("user_id", "load");
          e.putObject("payload").put("input_text", "a typical user message of moderate length " + i);
        }
        bodies[b] = mapper.writeValueAsBytes(batch);
      }
      long t0 = System.nanoTime();
      long parseNanos = 0;
      for (byte[] body : bodies) {
        long p0 = System.nanoTime();
        var node = mapper.readTree(body);
        parseNanos += System.nanoTime() - p0;
        ingestor.ingest(node);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("%d events, batch %d: %.2f s = %,.0f events/s (parse %.2f s)%n", total, batchSize, s,
          total / s, parseNanos / 1e9);
    }
  }
}
