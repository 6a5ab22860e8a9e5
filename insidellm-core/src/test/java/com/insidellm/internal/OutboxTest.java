package com.insidellm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.DropReason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {

    @TempDir Path dir;
    final MutableClock clock = new MutableClock();
    final Map<DropReason, Integer> dropped = new EnumMap<>(DropReason.class);

    private Outbox outbox(long maxBytes, Duration maxAge) throws IOException {
        return new Outbox(dir, maxBytes, maxAge, clock, (reason, events) -> dropped.merge(reason, events, Integer::sum));
    }

    private Outbox outbox() throws IOException {
        return outbox(Outbox.DEFAULT_MAX_BYTES, Outbox.DEFAULT_MAX_AGE);
    }

    private static List<byte[]> batch(String tag, int events) {
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            batch.add(("{\"event_id\":\"" + tag + "-" + i + "\",\"payload\":{\"text\":\"x\\ny\"}}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return batch;
    }

    private static List<String> strings(List<byte[]> events) {
        return events.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private List<Path> files() throws IOException {
        try (var stream = Files.list(dir)) {
            return stream.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void givesBackEachBatchOldestFirstAndDeletesItOnceDelivered() throws IOException {
        Outbox outbox = outbox();
        outbox.write(batch("a", 3));
        clock.advance(Duration.ofMillis(5));
        outbox.write(batch("b", 2));

        List<Path> pending = outbox.pending();
        assertThat(pending).hasSize(2);
        assertThat(outbox.pendingEvents()).isEqualTo(5);
        OutboxClaim first = outbox.claim(pending.get(0));
        assertThat(strings(first.events())).isEqualTo(strings(batch("a", 3)));
        first.delivered();

        assertThat(outbox.pending()).hasSize(1);
        OutboxClaim second = outbox.claim(outbox.pending().get(0));
        assertThat(strings(second.events())).isEqualTo(strings(batch("b", 2)));
        second.release();
        assertThat(outbox.pending()).hasSize(1).as("a released file stays for a later attempt");
        assertThat(dropped).isEmpty();
    }

    @Test
    void aFileClaimedByOneOutboxCannotBeClaimedByAnotherUntilReleased() throws IOException {
        Outbox one = outbox();
        Outbox two = outbox();
        one.write(batch("a", 1));
        Path file = one.pending().get(0);

        OutboxClaim held = one.claim(file);
        assertThat(held).isNotNull();
        assertThat(two.claim(file)).isNull();
        held.release();
        OutboxClaim taken = two.claim(file);
        assertThat(taken).isNotNull();
        taken.delivered();
        assertThat(one.claim(file)).as("a delivered file is gone").isNull();
    }

    /** The child JVM's program: claims the one outbox file, says so, and holds it until its stdin closes. */
    public static final class HoldingChild {
        public static void main(String[] args) throws Exception {
            // The test's files are dated by its own clock, not this one's: no age bound here.
            Outbox outbox = new Outbox(Path.of(args[0]), Outbox.DEFAULT_MAX_BYTES, Duration.ofDays(100_000),
                    Clock.systemUTC(), (reason, events) -> { });
            OutboxClaim claim = outbox.claim(outbox.pending().get(0));
            System.out.println(claim == null ? "not-claimed" : "claimed");
            System.out.flush();
            System.in.read();
        }
    }

    @Test
    void anotherProcessCannotClaimOrDropAFileThisProcessIsSending() throws Exception {
        Outbox outbox = outbox(1, Duration.ofDays(1));
        Outbox roomy = outbox();
        roomy.write(batch("a", 1));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HoldingChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("claimed");
            Path file = roomy.pending().get(0);

            assertThat(roomy.claim(file)).isNull();
            // A one-byte bound would drop every file, but not one that another process is sending.
            outbox.write(batch("b", 1));
            assertThat(Files.exists(file)).isTrue();

            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        OutboxClaim released = roomy.claim(roomy.pending().get(0));
        assertThat(released).as("the lock ends with the process that held it").isNotNull();
        released.release();
    }

    @Test
    void movesADamagedFileAsideAndGoesOn() throws IOException {
        Outbox outbox = outbox();
        outbox.write(batch("a", 2));
        clock.advance(Duration.ofMillis(1));
        outbox.write(batch("b", 2));
        Path damaged = outbox.pending().get(0);
        byte[] content = Files.readAllBytes(damaged);
        content[content.length - 3] ^= 0x20;
        Files.write(damaged, content);
        Files.writeString(dir.resolve("notes.batch"), "not an outbox file");

        assertThat(outbox.claim(damaged)).isNull();
        List<Path> pending = outbox.pending();

        assertThat(pending).hasSize(1);
        assertThat(strings(outbox.claim(pending.get(0)).events())).isEqualTo(strings(batch("b", 2)));
        assertThat(dir.resolve("damaged").resolve(damaged.getFileName())).exists();
        assertThat(dir.resolve("damaged").resolve("notes.batch")).exists();
    }

    @Test
    void whenFullDropsTheOldestFilesFirstAndCountsTheirEvents() throws IOException {
        long fileSize = OutboxFormat.encode(batch("a", 4)).length;
        Outbox outbox = outbox(fileSize * 3, Outbox.DEFAULT_MAX_AGE);
        for (String tag : List.of("a", "b", "c", "d")) {
            outbox.write(batch(tag, 4));
            clock.advance(Duration.ofMillis(1));
        }

        assertThat(dropped).containsExactly(Map.entry(DropReason.OUTBOX_FULL, 4));
        List<String> first = new ArrayList<>();
        for (Path file : outbox.pending()) {
            first.add(strings(outbox.claim(file).events()).get(0));
        }
        assertThat(first).containsExactly(strings(batch("b", 1)).get(0), strings(batch("c", 1)).get(0),
                strings(batch("d", 1)).get(0));
    }

    @Test
    void aBatchLargerThanTheWholeBoundIsDroppedAsFull() throws IOException {
        Outbox outbox = outbox(10, Outbox.DEFAULT_MAX_AGE);

        assertThat(outbox.write(batch("a", 3))).isNull();

        assertThat(dropped).containsExactly(Map.entry(DropReason.OUTBOX_FULL, 3));
        assertThat(outbox.isEmpty()).isTrue();
    }

    @Test
    void dropsFilesPastTheAgeBoundAndCountsTheirEvents() throws IOException {
        Outbox outbox = outbox(Outbox.DEFAULT_MAX_BYTES, Duration.ofDays(7));
        outbox.write(batch("old", 5));
        clock.advance(Duration.ofDays(6));
        outbox.write(batch("new", 2));
        clock.advance(Duration.ofDays(1).plusMillis(1));

        List<Path> pending = outbox.pending();

        assertThat(pending).hasSize(1);
        assertThat(strings(outbox.claim(pending.get(0)).events())).isEqualTo(strings(batch("new", 2)));
        assertThat(dropped).containsExactly(Map.entry(DropReason.OUTBOX_EXPIRED, 5));
    }

    @Test
    void aTemporaryFileLeftByACrashIsNeverSentAndIsCleanedUpWhenStale() throws IOException {
        Path leftover = dir.resolve(OutboxFormat.TEMP_PREFIX + "0000000000001-00000001-dead-3" + OutboxFormat.SUFFIX);
        Files.write(leftover, OutboxFormat.encode(batch("half", 3)));
        Files.setLastModifiedTime(leftover, FileTime.from(clock.instant().minus(Duration.ofHours(2))));
        Outbox outbox = outbox();

        assertThat(outbox.pending()).isEmpty();
        outbox.write(batch("a", 1));

        assertThat(leftover).doesNotExist();
        assertThat(files()).hasSize(1);
    }

    @Test
    void decodeRefusesTruncatedContent() {
        byte[] content = OutboxFormat.encode(batch("a", 2));

        assertThat(OutboxFormat.decode(content, 2)).hasSize(2);
        assertThat(OutboxFormat.decode(java.util.Arrays.copyOf(content, content.length - 1), 2)).isNull();
        assertThat(OutboxFormat.decode(content, 3)).isNull();
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        void advance(Duration duration) {
            millis.addAndGet(duration.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
