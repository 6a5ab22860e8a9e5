package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The exporter SPI's flush and shutdown, as the client calls them. */
class ExporterLifecycleTest {

    private static final String RUN = "9f8d3c2a-1b4e-4c5d-8e7f-0a1b2c3d4e5f";

    /** Records the SPI calls it gets; its flush answers what {@link #flushResult} says. */
    static class RecordingExporter implements EventExporter {
        final AtomicInteger exported = new AtomicInteger();
        final AtomicInteger flushes = new AtomicInteger();
        final List<Duration> shutdowns = new CopyOnWriteArrayList<>();
        volatile ExportResult flushResult = ExportResult.success();

        @Override
        public ExportResult export(EventBatch batch) {
            exported.addAndGet(batch.size());
            return ExportResult.success();
        }

        @Override
        public ExportResult flush() {
            flushes.incrementAndGet();
            return flushResult;
        }

        @Override
        public ExportResult shutdown(Duration deadline) {
            shutdowns.add(deadline);
            return ExportResult.success();
        }
    }

    private static InsideLlmClient.Builder builder(EventExporter exporter) {
        return InsideLlmClient.builder().addExporter(exporter).shutdownHook(false).environment(name -> null)
                .systemProperties(name -> null);
    }

    @Test
    void flushDeliversThenFlushesEveryExporterAndCloseShutsEachDownOnceWithinTheCloseTimeout() {
        RecordingExporter first = new RecordingExporter();
        RecordingExporter second = new RecordingExporter();
        InsideLlmClient client = builder(first).addExporter(second).build();
        client.logEvent(Event.userInput(RUN, "u", "hello"));

        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(first.exported).hasValue(1);
        assertThat(first.flushes).hasValue(1);
        assertThat(second.flushes).hasValue(1);

        client.close(Duration.ofSeconds(10));
        client.close(Duration.ofSeconds(10));
        assertThat(first.shutdowns).singleElement()
                .satisfies(d -> assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10)));
        assertThat(second.shutdowns).hasSize(1);
        // Shut down means flushed for good: a flush after close does not reach them again.
        client.flush(Duration.ofSeconds(1));
        assertThat(first.flushes).hasValue(1);
    }

    @Test
    void flushReportsAnExporterThatCouldNotMakeItsEventsDurable() {
        RecordingExporter exporter = new RecordingExporter();
        exporter.flushResult = ExportResult.retryable("disk full", null);
        try (InsideLlmClient client = builder(exporter).build()) {
            client.logEvent(Event.userInput(RUN, "u", "hello"));

            assertThat(client.flush(Duration.ofSeconds(10))).isFalse();
            assertThat(exporter.exported).hasValue(1);
        }
    }

    @Test
    void closeOutOfTimeShutsDownTheExporterStuckInExportAtOnceSoThatCloseEnds() throws Exception {
        CountDownLatch exporting = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        RecordingExporter stuck = new RecordingExporter() {
            @Override
            public ExportResult export(EventBatch batch) {
                exporting.countDown();
                try {
                    // A destination that accepts and never answers, until the exporter is shut down.
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ExportResult.retryable("abandoned", null);
            }

            @Override
            public ExportResult shutdown(Duration deadline) {
                super.shutdown(deadline);
                released.countDown();
                return ExportResult.retryable("abandoned an export", null);
            }
        };
        InsideLlmClient client = builder(stuck).maxRetries(0).build();
        client.logEvent(Event.userInput(RUN, "u", "hello"));
        client.flush(Duration.ofMillis(1));
        assertThat(exporting.await(10, TimeUnit.SECONDS)).isTrue();

        client.close(Duration.ofMillis(50));

        assertThat(stuck.shutdowns).containsExactly(Duration.ZERO);
        assertThat(client.stats().eventsSent()).isZero();
    }
}
