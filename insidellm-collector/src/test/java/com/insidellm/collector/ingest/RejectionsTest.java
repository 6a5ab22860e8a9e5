package com.insidellm.collector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What the collector refuses is counted and logged without flooding the log. */
class RejectionsTest {

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
