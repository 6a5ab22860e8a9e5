package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run placement and the idle end, on the SQLite store's conversation tables, with times given explicitly. */
class GatewayRunsTest {

    /** The real fingerprints: core's algorithm on OpenAI-format messages. */
    static final ConversationKeys KEYS = new Fingerprints();

    @TempDir
    Path dir;

    /** User and assistant messages, alternating, starting with the user. */
    private static JsonNode messages(String... contents) {
        com.fasterxml.jackson.databind.node.ArrayNode a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .arrayNode();
        for (int i = 0; i < contents.length; i++) {
            a.addObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", contents[i]);
        }
        return a;
    }

    private static JsonNode answer(String content) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("role", "assistant")
                .put("content", content);
    }

    private static List<String> prefixes(GatewayRuns runs, JsonNode messages) {
        return runs.request(messages).prefixes();
    }

    @Test
    void theNextTurnJoinsTheRunAndAfterTheIdleTimeANewRunNamesThePreviousOne() {
        try (SqliteStore store = new SqliteStore(dir.resolve("t.db"), null, false, Clock.systemUTC())) {
            GatewayRuns runs = new GatewayRuns(store.conversations(), KEYS, Duration.ofMinutes(30));
            JsonNode turn1 = messages("hi");
            GatewayRuns.Placement first = runs.place(null, prefixes(runs, turn1), "alice", 1_000_000);
            runs.remember(runs.request(turn1).withAnswer(answer("hello")), first.runId(), 2_000_000);
            JsonNode turn2 = messages("hi", "hello", "how are you?");
            GatewayRuns.Placement second = runs.place(null, prefixes(runs, turn2), "alice", 3_000_000);
            JsonNode other = messages("hi");
            GatewayRuns.Placement identical = runs.place(null, prefixes(runs, other), "bob", 3_500_000);

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
            GatewayRuns.Placement later = runs.place(null, prefixes(runs, turn2), "alice", 3_000_000 + 2 * idle);
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
            GatewayRuns runs = new GatewayRuns(store.conversations(), KEYS, Duration.ofMinutes(30));
            runId = runs.place(null, prefixes(runs, turn1), "alice", 1_000_000).runId();
            runs.remember(runs.request(turn1).withAnswer(answer("where to?")), runId, 2_000_000);
            runs.save();
        }
        try (SqliteStore store = new SqliteStore(db, null, false, Clock.systemUTC())) {
            GatewayRuns runs = new GatewayRuns(store.conversations(), KEYS, Duration.ofMinutes(30));
            GatewayRuns.Placement next = runs.place(null, prefixes(runs, messages("plan a trip", "where to?", "Rome")),
                    "alice", 3_000_000);

            assertThat(runs.openRuns()).isEqualTo(1);
            assertThat(next.runId()).isEqualTo(runId);
            assertThat(next.started()).isFalse();
        }
    }

    @Test
    void aRunHeaderDecidesAndAnyStringMapsToTheSameUuid() {
        GatewayRuns runs = new GatewayRuns(ConversationStore.NONE, KEYS, Duration.ofMinutes(30));
        String uuid = "3F2504E0-4F89-41D3-9A0C-0305E82C3301";

        assertThat(runs.place(uuid, List.of(), "u", 1).runId()).isEqualTo(uuid.toLowerCase());
        assertThat(runs.place("session-42", List.of(), "u", 1).runId())
                .isEqualTo(runs.place("session-42", List.of(), "u", 2).runId())
                .isNotEqualTo(runs.place("session-43", List.of(), "u", 2).runId());
        assertThat(runs.place("session-42", List.of(), "u", 1).started()).isFalse();
        assertThat(runs.openRuns()).isZero();
    }
}
