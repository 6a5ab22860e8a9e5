package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportTest {

    @TempDir Path dir;

    private static String lines(List<ObjectNode> events) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode e : events) {
            sb.append(Events.JSON.writeValueAsString(e)).append('\n');
        }
        return sb.toString();
    }

    @Test
    void importsLocalModeJsonLinesFilesFromADirectoryTreeOnce() throws IOException {
        Path events = Files.createDirectories(dir.resolve("project/.insidellm/events"));
        Files.writeString(events.resolve("2025-06-04-run-a.jsonl"), lines(SampleData.agentRun()));
        List<ObjectNode> second = new ArrayList<>(SampleData.errorRun());
        Files.writeString(events.resolve("2025-06-04-run-b.jsonl"),
                lines(second.subList(0, 2)) + "this line is not json\n\n" + lines(second.subList(2, 4)));
        Files.writeString(events.resolve("notes.txt"), "not an event file");

        try (InsideLlmCollector c = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("i.db")).build()) {
            c.start();
            InsideLlmCollector.ImportResult first = c.importEvents(dir.resolve("project/.insidellm/events"));
            InsideLlmCollector.ImportResult again = c.importEvents(events.resolve("2025-06-04-run-a.jsonl"));

            assertThat(first).isEqualTo(new InsideLlmCollector.ImportResult(2, 14, 0, 1));
            assertThat(again).isEqualTo(new InsideLlmCollector.ImportResult(1, 0, 10, 0));
            Api api = new Api(c.baseUrl());
            assertThat(api.getJson("/api/v1/runs").get("total").asInt()).isEqualTo(2);
            assertThat(api.getJson("/api/v1/runs/" + SampleData.AGENT_RUN).get("events")).hasSize(10);
        }
    }

    @Test
    void aMissingPathFailsWithItsName() {
        try (InsideLlmCollector c = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("j.db")).build()) {
            c.start();
            assertThatThrownBy(() -> c.importEvents(dir.resolve("nowhere")))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("nowhere");
        }
    }
}
