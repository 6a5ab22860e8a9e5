package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.ingest.Rejections;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the collector refuses is counted, shown by {@code /health}, and logged without flooding the log. */
class RejectionsTest {

    @TempDir Path dir;
    InsideLlmCollector collector;
    Api api;
    final String run = Events.uuid();

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("events.db")).build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void healthCountsRejectedEventsAndNamesTheLastReason() {
        assertThat(api.getJson("/health").get("ingest").get("rejected").asLong()).isZero();
        ArrayNode batch = Events.JSON.createArrayNode();
        batch.add(Events.runStart(run, "u1", Instant.now()));
        ObjectNode noUser = Events.userInput(run, "u1", Instant.now(), "hello");
        noUser.put("user_id", "");
        batch.add(noUser);
        ObjectNode badName = Events.event("custom.event", run, "u1", Instant.now());
        badName.putObject("payload").put("name", 42);
        batch.add(badName);

        Api.Response r = api.ingest(batch);

        assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(r.json().get("rejected")).hasSize(2);
        JsonNode ingest = api.getJson("/health").get("ingest");
        assertThat(ingest.get("rejected").asLong()).isEqualTo(2);
        assertThat(ingest.get("last_rejection").asText()).contains(badName.get("event_id").asText(), "name");
    }

    @Test
    void logsTheFirstRejectionAtOnceThenAtMostOneReportPerInterval() {
        AtomicLong now = new AtomicLong(1_000);
        Rejections rejections = new Rejections(now::get);
        List<Ingestor.Rejection> one = List.of(new Ingestor.Rejection(0, "e1", "user_id is empty"));

        assertThat(rejections.record(one)).isTrue();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(rejections.record(one)).isFalse();
        assertThat(rejections.record(List.of())).isFalse();
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(rejections.record(one)).isTrue();

        assertThat(rejections.count()).isEqualTo(3);
        assertThat(rejections.last()).isEqualTo("event e1: user_id is empty");
    }
}
