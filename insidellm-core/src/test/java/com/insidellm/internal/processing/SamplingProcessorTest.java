package com.insidellm.internal.processing;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.internal.Ids;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplingProcessorTest {

    @Test
    void samplingDecisionIsTheSameForTheSameRunId() {
        Map<Boolean, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            String runId = Ids.randomUuid();
            boolean first = SamplingProcessor.keeps(runId, 0.5);
            assertThat(SamplingProcessor.keeps(runId, 0.5)).isEqualTo(first);
            counts.merge(first, 1, Integer::sum);
        }
        assertThat(SamplingProcessor.keeps("00000000-0000-4000-8000-000000000000", 0.01)).isTrue();
        assertThat(SamplingProcessor.keeps("ffffffff-0000-4000-8000-000000000000", 0.99)).isFalse();
        assertThat(SamplingProcessor.keeps("ffffffff-0000-4000-8000-000000000000", 0.0)).isFalse();
        assertThat(counts.get(true)).isBetween(400, 600);
    }
}
