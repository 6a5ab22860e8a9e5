package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How much of a 2xx answer the HTTP exporter reads for per-event verdicts, whatever length the answer announces. */
class HttpExporterAnswerTest {

    private static final byte[] ANSWER = "{\"accepted\":1,\"rejected\":[{\"index\":0,\"reason\":\"bad\"}]}"
            .getBytes(StandardCharsets.UTF_8);
    private static final int LIMIT = 4 * 1024 * 1024;

    private static byte[] read(byte[] body, long announced) throws IOException {
        return HttpExporter.readAnswer(new ByteArrayInputStream(body), announced);
    }

    @Test
    void readsAnAnswerOfAnnouncedLength() throws IOException {
        assertThat(read(ANSWER, ANSWER.length)).isEqualTo(ANSWER);
        assertThat(read(new byte[0], 0)).isEmpty();
    }

    @Test
    void readsAnAnswerOfUnknownLengthToItsEnd() throws IOException {
        assertThat(read(ANSWER, -1)).isEqualTo(ANSWER);
    }

    @Test
    void readsOnWhenTheAnswerIsLongerOrShorterThanAnnounced() throws IOException {
        assertThat(read(ANSWER, 10)).as("longer than announced (an interceptor rewrote it)").isEqualTo(ANSWER);
        assertThat(read(ANSWER, 0)).isEqualTo(ANSWER);
        assertThat(read(ANSWER, ANSWER.length + 100L)).as("shorter than announced").isEqualTo(ANSWER);
    }

    @Test
    void readsNoMoreThanTheLimit() throws IOException {
        byte[] huge = new byte[LIMIT + 1000];
        Arrays.fill(huge, (byte) ' ');

        assertThat(read(huge, -1)).hasSize(LIMIT);
        assertThat(read(huge, huge.length)).hasSize(LIMIT);
        assertThat(read(huge, 100)).as("announced short, is long").hasSize(LIMIT);
    }
}
