package com.insidellm.collector.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.PriceTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The receiver's memory of spans between requests: bounded in bytes as well as in count. */
class GenAiSpansTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final long MIB = 1024 * 1024;
    /** One attribute value of 128 Ki characters, shared by the spans: the estimate counts it for each. */
    private static final String HUGE = "x".repeat(128 * 1024);

    private static OtlpSpan span(String spanId, @Nullable String parent, Map<String, Object> attributes) {
        return new OtlpSpan(TRACE, spanId, parent, "span " + spanId, 1, 1_000_000_000L, 2_000_000_000L, attributes,
                List.of(), 0, null, Map.of());
    }

    /** A span that is not GenAI, with a huge attribute. */
    private static OtlpSpan plain(int i) {
        return span(String.format("%016x", i + 1), "00000000000000ff", Map.of("http.request.body", HUGE));
    }

    private static OtlpSpan chatChildOf(String parent) {
        return span("c0ffee0000000001", parent, Map.of("gen_ai.operation.name", "chat",
                "gen_ai.request.model", "gpt-4o"));
    }

    private static List<String> types(List<ObjectNode> events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.get("event_type").asText()));
        return out;
    }

    @Test
    void aBurstOfHugeDroppedSpansIsForgottenOldestFirstWithinTheByteBound() {
        GenAiSpans spans = new GenAiSpans(PriceTable.defaults(), new ObjectMapper(), 2 * MIB);
        for (int i = 0; i < 100; i++) {
            assertThat(spans.convert(List.of(plain(i)))).isEmpty();
        }
        // Each span is estimated at over 256 KiB: far fewer than the count bound fit in 2 MiB.
        assertThat(spans.droppedKeptBytes()).isPositive().isLessThanOrEqualTo(2 * MIB);
        assertThat(spans.droppedKept()).isBetween(1, 8);
        assertThat(GenAiSpans.MAX_DROPPED_KEPT).isGreaterThan(100);

        // The newest dropped span is still there for a GenAI child that names it...
        String newest = String.format("%016x", 100);
        assertThat(types(spans.convert(List.of(chatChildOf(newest)))))
                .containsExactlyInAnyOrder("chain.start", "llm.request", "llm.response", "chain.end");
        // ...the oldest was forgotten, so its child stands alone.
        String oldest = String.format("%016x", 1);
        assertThat(types(spans.convert(List.of(chatChildOf(oldest))))).containsExactly("llm.request", "llm.response");
    }

    @Test
    void aSpanLargerThanTheWholeBoundIsNotKeptAndEvictsNothing() {
        GenAiSpans spans = new GenAiSpans(PriceTable.defaults(), new ObjectMapper(), 200 * 1024);
        spans.convert(List.of(span("0000000000000001", null, Map.of("small", "value"))));
        assertThat(spans.droppedKept()).isEqualTo(1);
        spans.convert(List.of(plain(5)));
        assertThat(spans.droppedKept()).isEqualTo(1);
        assertThat(spans.droppedKeptBytes()).isLessThan(200 * 1024);
    }

    @Test
    void theDefaultBoundIs16MiB() {
        GenAiSpans spans = new GenAiSpans(PriceTable.defaults(), new ObjectMapper());
        for (int i = 0; i < 200; i++) {
            spans.convert(List.of(plain(i)));
        }
        // 200 spans of over 256 KiB each would be over 50 MiB; the count bound alone would keep them all.
        assertThat(spans.droppedKeptBytes()).isGreaterThan(15 * MIB).isLessThanOrEqualTo(16 * MIB);
        assertThat(spans.droppedKept()).isLessThan(200);
    }
}
