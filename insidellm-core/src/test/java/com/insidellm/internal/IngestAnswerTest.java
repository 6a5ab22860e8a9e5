package com.insidellm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.ExportResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestAnswerTest {

    private static final List<String> IDS = List.of("aaaaaaaa-0000-4000-8000-000000000000",
            "bbbbbbbb-0000-4000-8000-000000000000", "cccccccc-0000-4000-8000-000000000000");

    private static List<ExportResult.Rejection> rejected(String body) {
        return IngestAnswer.rejected(body.getBytes(StandardCharsets.UTF_8), IDS);
    }

    @Test
    void readsTheCollectorsRejectedListByIndexAndEventId() {
        assertThat(rejected("{\"accepted\":1,\"duplicates\":0,\"rejected\":["
                + "{\"index\":2,\"event_id\":\"CCCCCCCC-0000-4000-8000-000000000000\",\"reason\":\"payload.name must be a string\"},"
                + "{\"index\":7,\"event_id\":\"" + IDS.get(0) + "\",\"reason\":\"user_id is empty\"}]}"))
                .containsExactly(new ExportResult.Rejection(0, "user_id is empty"),
                        new ExportResult.Rejection(2, "payload.name must be a string"));
    }

    @Test
    void ignoresAnyOtherBody() {
        assertThat(rejected("")).isEmpty();
        assertThat(rejected("{\"status\":\"accepted\",\"count\":3}")).isEmpty();
        assertThat(rejected("{\"success\":true,\"rejected\":3}")).isEmpty();
        assertThat(rejected("[1,2]")).isEmpty();
        assertThat(rejected("not json {")).isEmpty();
        assertThat(rejected("{\"rejected\":[{\"index\":9,\"event_id\":\"dddddddd-0000-4000-8000-000000000000\"}]}"))
                .as("an entry that matches no event of the batch").isEmpty();
    }

    @Test
    void readsTheRejectedListWhateverWayItsKeyIsWritten() {
        // Answers without the word are not parsed at all; a key spelt with JSON escapes must still be read.
        assertThat(rejected("{\"rej\\u0065cted\":[{\"index\":1,\"reason\":\"escaped\"}]}"))
                .containsExactly(new ExportResult.Rejection(1, "escaped"));
        assertThat(rejected(" \n{\"rejected\":[{\"index\":0}]}"))
                .containsExactly(new ExportResult.Rejection(0, "rejected by the server"));
        assertThat(rejected("{\"success\":true}")).isEmpty();
    }

    @Test
    void shortensLongReasonsToOneLine() {
        String reason = IngestAnswer.shorten("a\n  b " + "x".repeat(1000));

        assertThat(reason).startsWith("a b x").hasSize(IngestAnswer.MAX_REASON).endsWith("…");
    }
}
