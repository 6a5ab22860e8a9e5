package com.insidellm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxSenderTest {

    @TempDir Path dir;
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<String> sent = new ArrayList<>();

    private Outbox outbox() throws IOException {
        return new Outbox(dir, Outbox.DEFAULT_MAX_BYTES, Outbox.DEFAULT_MAX_AGE, Clock.systemUTC(), (r, n) -> { });
    }

    private OutboxSender sender(Outbox outbox) {
        return new OutboxSender(outbox, Duration.ofMillis(100), Duration.ofMillis(1_000), now::get);
    }

    private static List<byte[]> batch(String... ids) {
        List<byte[]> batch = new ArrayList<>();
        for (String id : ids) {
            batch.add(("{\"event_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        return batch;
    }

    private OutboxSender.Send delivering() {
        return events -> {
            events.forEach(e -> sent.add(new String(e, StandardCharsets.UTF_8).replaceAll(".*:\"|\"}", "")));
            return OutboxAttempt.delivered();
        };
    }

    private static OutboxSender.Send unavailable() {
        return OutboxAttempt::keep;
    }

    @Test
    void deliversSpooledBatchesOldestFirstWithoutWaitingBetweenThem() throws Exception {
        OutboxSender sender = sender(outbox());
        assertThat(sender.hasWork()).isFalse();
        sender.spool(batch("a1", "a2"));
        sender.spool(batch("b1"));
        sender.spool(batch("c1"));

        assertThat(sender.nanosUntilDrain()).isZero();
        assertThat(sender.drain(delivering(), () -> false)).isEqualTo(3);

        assertThat(sent).containsExactly("a1", "a2", "b1", "c1");
        assertThat(sender.hasWork()).isFalse();
        assertThat(sender.nanosUntilDrain()).isEqualTo(Long.MAX_VALUE);
        assertThat(outbox().isEmpty()).isTrue();
    }

    @Test
    void aFailedAttemptBacksOffExponentiallyUpToTheCapAndASuccessResetsIt() throws Exception {
        OutboxSender sender = sender(outbox());
        sender.spool(batch("a1"));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            assertThat(sender.drain(unavailable(), () -> false)).isZero();
            waits.add(sender.nanosUntilDrain() / 1_000_000);
            assertThat(sender.drain(delivering(), () -> false)).as("not due yet").isZero();
            now.addAndGet(sender.nanosUntilDrain());
        }
        assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(sent).isEmpty();

        assertThat(sender.drain(delivering(), () -> false)).isEqualTo(1);
        sender.spool(batch("b1"));
        sender.drain(unavailable(), () -> false);
        assertThat(sender.nanosUntilDrain() / 1_000_000).isEqualTo(100L);
    }

    @Test
    void aPartlyDeliveredBatchKeepsOnlyTheEventsThatDidNotArrive() throws Exception {
        OutboxSender sender = sender(outbox());
        sender.spool(batch("a1", "a2", "a3"));

        sender.drain(events -> OutboxAttempt.keep(events.subList(1, 2)), () -> false);
        now.addAndGet(sender.nanosUntilDrain());
        sender.drain(delivering(), () -> false);

        assertThat(sent).containsExactly("a2");
        assertThat(sender.hasWork()).isFalse();
    }

    @Test
    void stopsBeforeTheNextBatchWhenToldTo() throws Exception {
        OutboxSender sender = sender(outbox());
        sender.spool(batch("a1"));
        sender.spool(batch("b1"));

        assertThat(sender.drain(delivering(), () -> !sent.isEmpty())).isEqualTo(1);

        assertThat(sent).containsExactly("a1");
        assertThat(sender.hasWork()).isTrue();
    }

    @Test
    void findsBatchesAnotherProcessLeftWhenItRereadsTheDirectory() throws Exception {
        OutboxSender sender = sender(outbox());
        assertThat(sender.hasWork()).isFalse();
        outbox().write(batch("other"));

        assertThat(sender.hasWork()).as("not re-read yet").isFalse();
        now.addAndGet(Duration.ofMillis(OutboxFileList.RESCAN_MILLIS).toNanos());

        assertThat(sender.hasWork()).isTrue();
        sender.drain(delivering(), () -> false);
        assertThat(sent).containsExactly("other");
    }

    @Test
    void aBatchItCannotWriteIsLeftToTheCaller() throws Exception {
        OutboxSender sender = sender(outbox());
        Files.delete(dir);
        Files.writeString(dir, "a file where the directory was");
        try {
            assertThat(sender.spool(batch("a1"))).isFalse();
        } finally {
            Files.delete(dir);
            Files.createDirectory(dir);
        }
    }

    @Test
    void theBackendsRetryAfterReplacesTheBackoffButNeverSpinsTheSender() throws Exception {
        OutboxSender sender = sender(outbox());
        sender.spool(batch("a1"));

        sender.drain(events -> new OutboxAttempt(events, Duration.ofMillis(700)), () -> false);
        assertThat(sender.nanosUntilDrain() / 1_000_000).as("Retry-After, not the 100 ms backoff").isEqualTo(700L);

        now.addAndGet(sender.nanosUntilDrain());
        sender.drain(events -> new OutboxAttempt(events, Duration.ZERO), () -> false);
        assertThat(sender.nanosUntilDrain() / 1_000_000).as("Retry-After: 0 waits the initial backoff")
                .isEqualTo(100L);
    }
}
