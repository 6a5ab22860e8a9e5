package com.insidellm.collector.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/** Validates a batch of events and stores the valid ones, waiting for their commit. Internal. Thread-safe. */
public final class Ingestor {

  /** An event that failed validation: its position in the batch, its id if it had one, and why. */
  public record Rejection(int index, @Nullable String eventId, String reason) {}

  /** The answer to one batch. */
  public record Result(int accepted, int duplicates, List<Rejection> rejected) {}

  private final EventStore store;
  private final ObjectMapper mapper;
  private final EventValidator validator = new EventValidator();

  /** Creates an ingestor writing to {@code store}. */
  public Ingestor(EventStore store, ObjectMapper mapper) {
    this.store = store;
    this.mapper = mapper;
  }

  /**
   * Ingests a parsed body: an array of events or one bare event (as the Python SDK sends for a single event).
   * Returns once the accepted events are committed.
   */
  public Result ingest(JsonNode body) throws InterruptedException, ExecutionException, TimeoutException {
    List<JsonNode> nodes = new ArrayList<>();
    if (body.isArray()) {
      body.forEach(nodes::add);
    } else {
      nodes.add(body);
    }
    List<StoredEvent> valid = new ArrayList<>(nodes.size());
    List<Integer> validIndexes = new ArrayList<>(nodes.size());
    List<Rejection> rejected = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode node = nodes.get(i);
      EventValidator.Result r = validate(node);
      if (r.event() != null) {
        valid.add(r.event());
        validIndexes.add(i);
      } else {
        JsonNode id = node.get("event_id");
        rejected.add(new Rejection(i, id != null && id.isTextual() ? id.asText() : null, String.valueOf(r.reason())));
      }
    }
    EventStore.WriteOutcome outcome = store.write(valid).get(60, TimeUnit.SECONDS);
    return new Result(outcome.accepted(), outcome.duplicates().size(), rejected);
  }

  private EventValidator.Result validate(JsonNode node) {
    String raw;
    try {
      raw = mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      return new EventValidator.Result(null, "cannot serialise event: " + e.getOriginalMessage());
    }
    return validator.validate(node, raw);
  }
}
