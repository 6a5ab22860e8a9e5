package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk outbox across a crash: a JVM logs events while the backend is down, its batches land in the outbox, and it
 * is killed with {@code kill -9} (no close(), no shutdown hook). A new JVM with the backend up delivers every one of
 * those events exactly once, by {@code event_id}.
 */
class OutboxKillIT {

    static final int EVENTS = 2_000;
    static final int THREADS = 4;

    /** The events in the outbox, from its file names ({@code ...-<events>.batch}). */
    static long outboxEvents(Path dir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.batch")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".")) {
                    total += Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - 6));
                }
            }
        }
        return total;
    }

    /** Logs {@link #EVENTS} events to a dead backend from 4 threads, writes their ids, waits until all are spooled. */
    public static final class DoomedChild {
        public static void main(String[] args) throws Exception {
            Path outbox = Path.of(args[1]);
            InsideLlmClient client = InsideLlmClient.builder().apiKey("child-key").baseUrl(args[0])
                    .outbox(outbox).maxRetries(1).initialBackoff(Duration.ofMillis(10))
                    .flushInterval(Duration.ofMillis(50)).build();
            String runId = client.startRun("doomed");
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < (EVENTS - 1) / THREADS; i++) {
                        Event event = Event.userInput(runId, "doomed", "message " + i);
                        client.logEvent(event);
                        ids.add(event.eventId());
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            List<String> all = new ArrayList<>(ids);
            all.add(0, runId); // run.start's event id is not known here; the run id stands for it below
            Files.write(Path.of(args[2]), all);
            while (outboxEvents(outbox) < ids.size() + 1) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            System.out.println("SPOOLED " + outboxEvents(outbox));
            System.out.flush();
            LockSupport.park(); // until killed
        }
    }

    /** A new process: the same outbox, the backend up; returns once the outbox is empty. */
    public static final class NextChild {
        public static void main(String[] args) throws Exception {
            Path outbox = Path.of(args[1]);
            InsideLlmClient client = InsideLlmClient.builder().apiKey("child-key").baseUrl(args[0]).outbox(outbox)
                    .build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (outboxEvents(outbox) > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            client.close();
            System.out.println("SENT " + client.stats().eventsSent());
        }
    }

    private static Process java(Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    @Timeout(180)
    void eventsSpooledByAKilledProcessAreDeliveredExactlyOnceByTheNextOne(@TempDir Path dir) throws Exception {
        Path outbox = dir.resolve("outbox");
        Path idsFile = dir.resolve("ids.txt");
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Process doomed = java(DoomedChild.class, "http://127.0.0.1:" + deadPort + "/", outbox.toString(),
                idsFile.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(doomed.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("SPOOLED")) {
                System.out.println("[doomed] " + line);
            }
            assertThat(line).startsWith("SPOOLED");
            Process kill = new ProcessBuilder("kill", "-9", String.valueOf(doomed.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(doomed.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        } finally {
            doomed.destroyForcibly();
        }
        List<String> logged = Files.readAllLines(idsFile);
        String runId = logged.get(0);
        assertThat(outboxEvents(outbox)).isEqualTo(logged.size());

        try (RecordingServer server = new RecordingServer()) {
            Process next = java(NextChild.class, server.baseUrl(), outbox.toString());
            next.getInputStream().transferTo(new java.io.FileOutputStream(new File("target/outbox-next-child.log")));
            assertThat(next.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(next.exitValue()).isZero();

            assertThat(server.deliveriesById).hasSize(logged.size())
                    .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            assertThat(server.deliveriesById.keySet()).containsAll(logged.subList(1, logged.size()));
            assertThat(server.events).filteredOn(e -> e.get("event_type").asText().equals("run.start"))
                    .singleElement().satisfies(e -> assertThat(e.get("run_id").asText()).isEqualTo(runId));
            assertThat(outboxEvents(outbox)).isZero();
        }
    }
}
