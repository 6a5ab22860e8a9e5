package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run placement and the idle end, on the SQLite store's conversation tables, with times given explicitly. */
class GatewayRunsTest {

    /** Fingerprints that are the messages' texts joined: enough to drive the run logic under test here. */
    static final ConversationKeys TEXT_KEYS = new ConversationKeys() {
        @Override
        public List<String> prefixes(JsonNode messages) {
            List<String> keys = new ArrayList<>();
            StringBuilder sb = new StringBuilder();
            for (JsonNode m : messages) {
                keys.add(sb.append(m.path("content").asText()).append('|').toString());
            }
            return keys;
        }

        @Override
        public String withAnswer(JsonNode messages, JsonNode answer) {
            List<String> keys = prefixes(messages);
            return (keys.isEmpty() ? "" : keys.get(keys.size() - 1)) + answer.path("content").asText() + "|";
        }
    };

    @TempDir
    Path dir;

    private static JsonNode messages(String... contents) {
        com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .arrayNode();
        for (String c : contents) {
            a.addObject().put("role", "user").put("content", c);
        }
        return a;
    }

    private static JsonNode answer(String content) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("role", "assistant")
                .put("content", content);
    }

    @Test
    void theNextTurnJoinsTheRunAndAfterTheIdleTimeANewRunNamesThePreviousOne() {
        try (SqliteStore store = new SqliteStore(dir.resolve("t.db"), null, false, Clock.systemUTC())) {
            GatewayRuns runs = new GatewayRuns(store.conversations(), TEXT_KEYS, Duration.ofMinutes(30));
            JsonNode turn1 = messages("hi");
            GatewayRuns.Placement first = runs.place(null, runs.prefixes(turn1), "alice", 1_000_000);
            runs.remember(runs.withAnswer(turn1, answer("hello")), first.runId(), 2_000_000);
            JsonNode turn2 = messages("hi", "hello", "how are you?");
            GatewayRuns.Placement second = runs.place(null, runs.prefixes(turn2), "alice", 3_000_000);
            JsonNode other = messages("hi");
            GatewayRuns.Placement identical = runs.place(null, runs.prefixes(other), "bob", 3_500_000);

            assertThat(first.started()).isTrue();
            assertThat(second.runId()).isEqualTo(first.runId());
            assertThat(second.started()).isFalse();
            assertThat(identical.runId()).isNotEqualTo(first.runId());

            long idle = Duration.ofMinutes(30).toNanos() / 1000;
            assertThat(runs.endIdle(3_000_000 + idle - 1)).isEmpty();
            assertThat(runs.endIdle(3_000_000 + idle)).extracting(ConversationStore.OpenRun::runId)
                    .containsExactly(first.runId());
            assertThat(runs.endIdle(3_500_000 + idle)).extracting(ConversationStore.OpenRun::runId)
                    .containsExactly(identical.runId());
            GatewayRuns.Placement later = runs.place(null, runs.prefixes(turn2), "alice", 3_000_000 + 2 * idle);
            assertThat(later.started()).isTrue();
            assertThat(later.previousRunId()).isEqualTo(first.runId());
        }
    }

    @Test
    void threadingAndOpenRunsSurviveARestartThroughTheStore() {
        Path db = dir.resolve("r.db");
        String runId;
        JsonNode turn1 = messages("plan a trip");
        try (SqliteStore store = new SqliteStore(db, null, false, Clock.systemUTC())) {
            GatewayRuns runs = new GatewayRuns(store.conversations(), TEXT_KEYS, Duration.ofMinutes(30));
            runId = runs.place(null, runs.prefixes(turn1), "alice", 1_000_000).runId();
            runs.remember(runs.withAnswer(turn1, answer("where to?")), runId, 2_000_000);
            runs.save();
        }
        try (SqliteStore store = new SqliteStore(db, null, false, Clock.systemUTC())) {
            GatewayRuns runs = new GatewayRuns(store.conversations(), TEXT_KEYS, Duration.ofMinutes(30));
            GatewayRuns.Placement next = runs.place(null, runs.prefixes(messages("plan a trip", "where to?", "Rome")),
                    "alice", 3_000_000);

            assertThat(runs.openRuns()).isEqualTo(1);
            assertThat(next.runId()).isEqualTo(runId);
            assertThat(next.started()).isFalse();
        }
    }

    @Test
    void aRunHeaderDecidesAndAnyStringMapsToTheSameUuid() {
        GatewayRuns runs = new GatewayRuns(ConversationStore.NONE, TEXT_KEYS, Duration.ofMinutes(30));
        String uuid = "3F2504E0-4F89-41D3-9A0C-0305E82C3301";

        assertThat(runs.place(uuid, List.of(), "u", 1).runId()).isEqualTo(uuid.toLowerCase());
        assertThat(runs.place("session-42", List.of(), "u", 1).runId())
                .isEqualTo(runs.place("session-42", List.of(), "u", 2).runId())
                .isNotEqualTo(runs.place("session-43", List.of(), "u", 2).runId());
        assertThat(runs.place("session-42", List.of(), "u", 1).started()).isFalse();
        assertThat(runs.openRuns()).isZero();
    }
}
