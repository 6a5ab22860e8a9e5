package com.insidellm.collector.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one way events enter the store: validates a batch of wire-format events and stores the valid ones, returning
 * once they are committed. The HTTP ingest endpoint, the importer, and any component that turns something else into
 * events (a gateway, an OTLP receiver) hand their batches here, so every event passes the same validation,
 * normalisation and de-duplication. Internal. Thread-safe.
 */
public final class Ingestor {

    /** An event that failed validation: its position in the batch, its id if it had one, and why. */
    public record Rejection(int index, @Nullable String eventId, String reason) {}

    /** The answer to one batch: events newly stored, events already stored, and the rejected ones. */
    public record Result(int accepted, int duplicates, List<Rejection> rejected) {}

    private final Store store;
    private final ObjectMapper mapper;
    private final EventValidator validator = new EventValidator();
    private final Rejections rejections = new Rejections(System::nanoTime);

    /** Creates an ingestor writing to {@code store}. */
    public Ingestor(Store store, ObjectMapper mapper) {
        this.store = store;
        this.mapper = mapper;
    }

    /**
     * Ingests a parsed body: an array of events or one bare event (as the Python SDK sends for a single event).
     * Returns once the accepted events are committed.
     *
     * @throws com.insidellm.collector.store.StoreBusyException if the store is saturated (answer 503, retry later)
     * @throws com.insidellm.collector.store.StoreException if storing failed
     */
    public Result ingest(JsonNode body) throws InterruptedException {
        List<JsonNode> nodes = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(nodes::add);
        } else {
            nodes.add(body);
        }
        return ingest(nodes);
    }

    /**
     * Ingests events given as wire-format JSON objects (see the wire protocol), in order. Returns once the accepted
     * events are committed; rejected ones are reported by index into {@code events}.
     *
     * @throws com.insidellm.collector.store.StoreBusyException if the store is saturated (answer 503, retry later)
     * @throws com.insidellm.collector.store.StoreException if storing failed
     */
    public Result ingest(List<? extends JsonNode> events) throws InterruptedException {
        List<StoredEvent> valid = new ArrayList<>(events.size());
        List<Rejection> rejected = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode node = events.get(i);
            JsonNode id = node.get("event_id"); // as sent: validation may rewrite it to the canonical form
            EventValidator.Result r = validate(node);
            if (r.event() != null) {
                valid.add(r.event());
            } else {
                rejected.add(new Rejection(i, id != null && id.isTextual() ? id.asText() : null, String.valueOf(r.reason())));
            }
        }
        rejections.record(rejected);
        Store.WriteOutcome outcome = store.write(valid);
        return new Result(outcome.accepted(), outcome.duplicates().size(), rejected);
    }

    /**
     * Stores events the collector built itself, already in their stored form (the gateway's): valid by construction,
     * so they skip the validation, and the serialising and reading back it needs. Returns once they are committed.
     *
     * @throws com.insidellm.collector.store.StoreBusyException if the store is saturated (retry later)
     * @throws com.insidellm.collector.store.StoreException if storing failed
     */
    public Result ingestBuilt(List<StoredEvent> events) throws InterruptedException {
        Store.WriteOutcome outcome = store.write(events);
        return new Result(outcome.accepted(), outcome.duplicates().size(), List.of());
    }

    /** The events this ingestor refused: counted and logged, for {@code /health} and the viewer. */
    public Rejections rejections() {
        return rejections;
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
