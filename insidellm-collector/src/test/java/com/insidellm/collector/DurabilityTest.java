package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurabilityTest {

  @TempDir Path dir;

  @Test
  void eventsAndIdempotenceSurviveARestartOnTheSameDatabase() {
    Path db = dir.resolve("nested/dir/events.db");
    String run = Events.uuid();
    ArrayNode batch = Events.JSON.createArrayNode();
    for (int i = 0; i < 20; i++) {
      batch.add(Events.userInput(run, "u1", Instant.now(), "m" + i));
    }
    try (InsideLlmCollector first = InsideLlmCollector.builder().port(0).databasePath(db).build()) {
      first.start();
      assertThat(new Api(first.baseUrl()).ingest(batch).json().get("accepted").asInt()).isEqualTo(20);
    }

    try (InsideLlmCollector second = InsideLlmCollector.builder().port(0).databasePath(db).build()) {
      second.start();
      Api api = new Api(second.baseUrl());

      assertThat(api.getJson("/api/v1/runs/" + run).get("events")).hasSize(20);
      Api.Response retry = api.ingest(batch);
      assertThat(retry.json().get("duplicates").asInt()).isEqualTo(20);
      assertThat(retry.json().get("accepted").asInt()).isZero();
      long seqBefore = api.getJson("/api/v1/events?limit=1").get("latest_seq").asLong();
      api.ingest(Events.userInput(run, "u1", Instant.now(), "after restart"));
      assertThat(api.getJson("/api/v1/events?limit=1").get("latest_seq").asLong()).isGreaterThan(seqBefore);
    }
  }

  @Test
  void startIsIdempotentAndAClosedCollectorCannotRestart() {
    InsideLlmCollector c = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("x.db")).build();
    int port = c.start();
    assertThat(c.start()).isEqualTo(port);
    c.close();
    c.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class);
  }
}
