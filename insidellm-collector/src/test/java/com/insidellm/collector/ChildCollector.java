package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The executable jar started as a separate JVM, so a test can kill it the hard way. */
final class ChildCollector implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+) .*started in (\\d+) ms");

    final Process process;
    final URI baseUrl;
    final long reportedStartupMillis;

    private ChildCollector(Process process, URI baseUrl, long startupMillis) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.reportedStartupMillis = startupMillis;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("insidellm.collector.jar", "target/insidellm-collector.jar"));
        assertThat(jar).as("the executable jar built by mvn package").exists();
        return jar;
    }

    /** Starts {@code java -jar insidellm-collector.jar --port 0 --db <db>} and waits for its "listening" line. */
    static ChildCollector start(Path db, String... extraArgs) {
        return start(List.of(), db.toString(), extraArgs);
    }

    /** Starts the jar with JVM options ({@code -Xmx512m}) on {@code db}, a file or a PostgreSQL URL. */
    static ChildCollector start(List<String> jvmArgs, String db, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", jar().toString(), "--port", "0", "--db", db));
        command.addAll(List.of(extraArgs));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            // The child takes its settings from this command line only: a developer's shell with
            // scripts/dev-services.sh's exports (INSIDELLM_COLLECTOR_DB, _REDIS) must not change what a test starts.
            builder.environment().keySet().removeIf(name -> name.startsWith("INSIDELLM_COLLECTOR_"));
            Process p = builder.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<Matcher> listening = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = out.readLine()) != null) {
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            return m;
                        }
                    }
                    throw new IllegalStateException("collector exited before listening");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Matcher m = listening.get(30, TimeUnit.SECONDS);
            // Keep draining the output so the child never blocks on a full pipe.
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            }, "child-collector-output");
            drain.setDaemon(true);
            drain.start();
            return new ChildCollector(p, URI.create(m.group(1)), Long.parseLong(m.group(2)));
        } catch (Exception e) {
            throw new IllegalStateException("could not start the collector jar: " + e, e);
        }
    }

    /** kill -9: no shutdown hook, no final commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
