package com.insidellm.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.InsideLlmClient;
import com.insidellm.collector.InsideLlmCollector;
import com.insidellm.examples.spring.SpringBootAgent;
import com.insidellm.examples.springai.SpringAiAgent;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command demo ({@code ./demo.sh}): starts the local collector, runs the examples against it, prints what
 * the collector received and keeps serving the viewer until Ctrl-C.
 *
 * <pre>
 * Options:
 *   --ci, --non-interactive   exit after the summary; the exit code is 1 when an example failed
 *   --port &lt;n&gt;                collector port (default 7800; busy or 0 = any free port)
 *   --db &lt;file&gt;               collector database, emptied at start (default: a new file in
 *                             examples/target/demo, so that two demos never share one)
 *   --only &lt;A,B&gt;              run only these examples
 * </pre>
 */
public final class Demo {

    /** A runnable example: what the demo calls, with a client, the collector's address and the console. */
    @FunctionalInterface
    interface Example {
        void run(InsideLlmClient client, URI collector, PrintStream out) throws Exception;
    }

    /** The examples in the order they run. */
    static final Map<String, Example> EXAMPLES = examples();

    private static Map<String, Example> examples() {
        Map<String, Example> examples = new LinkedHashMap<>();
        examples.put("QuickStart", (client, collector, out) -> QuickStart.run(client));
        examples.put("TrackerExample", (client, collector, out) -> out.println("  answer: "
                + TrackerExample.run(client)));
        examples.put("LangChain4jAgent", (client, collector, out) -> LangChain4jAgent.runOffline(client));
        examples.put("SpringBootAgent", (client, collector, out) -> SpringBootAgent.demo(collector, out));
        examples.put("SpringAiAgent", (client, collector, out) -> SpringAiAgent.demo(collector, out));
        examples.put("OpenAiSdkAgent", (client, collector, out) -> OpenAiSdkAgent.runOffline(client));
        examples.put("AnthropicSdkAgent", (client, collector, out) -> AnthropicSdkAgent.runOffline(client));
        examples.put("GeminiSdkAgent", (client, collector, out) -> GeminiSdkAgent.runOffline(client));
        return examples;
    }

    /** What the command line asked for. */
    record Options(boolean interactive, int port, Path database, List<String> only) {

        static Options parse(String... args) {
            boolean interactive = true;
            int port = InsideLlmCollector.DEFAULT_PORT;
            Path database = Path.of("examples", "target", "demo", "events-" + ProcessHandle.current().pid() + ".db");
            List<String> only = List.copyOf(EXAMPLES.keySet());
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--ci", "--non-interactive" -> interactive = false;
                    case "--port" -> port = port(value(args, ++i, "--port"));
                    case "--db" -> database = Path.of(value(args, ++i, "--db"));
                    case "--only" -> {
                        only = List.of(value(args, ++i, "--only").split(","));
                        for (String name : only) {
                            if (!EXAMPLES.containsKey(name)) {
                                throw new IllegalArgumentException("unknown example " + name + "; the examples are "
                                        + String.join(", ", EXAMPLES.keySet()));
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; the options are --ci, --port <n>, --db <file>, --only <A,B>");
                }
            }
            return new Options(interactive, port, database, only);
        }

        private static int port(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65_535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, but was " + value);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    /** What the collector holds after the examples ran. */
    record Summary(long runs, long events, long llmCalls, long tokens, double cost, long errors,
            Map<String, Long> eventsByType, List<String> failedExamples, URI viewer) {

        void print(PrintStream out) {
            out.println();
            out.println("What the collector received");
            out.printf("  runs        %,d%n", runs);
            out.printf("  events      %,d%n", events);
            eventsByType.forEach((type, n) -> out.printf("                %-20s %,d%n", type, n));
            out.printf("  LLM calls   %,d%n", llmCalls);
            out.printf("  tokens      %,d%n", tokens);
            out.printf("  cost        $%.6f%n", cost);
            out.printf("  errors      %,d%s%n", errors,
                    errors > 0 ? "  (on purpose: TrackerExample calls a tool that fails)" : "");
            out.printf("  viewer      %s%n", viewer);
            if (!failedExamples.isEmpty()) {
                out.println("  FAILED      " + String.join(", ", failedExamples) + " (see the messages above)");
                out.println("Retry only those with ./demo.sh --no-build --only " + String.join(",", failedExamples)
                        + "; if one keeps failing, report it with this output and /tmp/insidellm-demo-build.log.");
            }
        }
    }

    private Demo() {}

    /** Runs the demo; see the class documentation for the options. */
    public static void main(String[] args) {
        int exitCode = run(args, System.out, System.err);
        if (exitCode != 0 || Arrays.asList(args).contains("--ci") || Arrays.asList(args).contains("--non-interactive")) {
            System.exit(exitCode);
        }
    }

    /**
     * Runs the demo and returns the exit code: 0 when every example ran, 1 when one failed or the collector could not
     * start, 2 for a bad option. Interactive, it returns only after Ctrl-C.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("demo: " + e.getMessage());
            return 2;
        }
        InsideLlmCollector collector;
        try {
            collector = startCollector(options, out);
        } catch (RuntimeException e) {
            err.println("demo: could not start the collector: " + e.getMessage());
            err.println("Check that " + options.database().toAbsolutePath().getParent() + " is writable, or pick"
                    + " another database with --db.");
            return 1;
        }
        Summary summary;
        try {
            summary = runExamples(collector, options.only(), out);
            summary.print(out);
        } catch (RuntimeException e) {
            collector.close();
            err.println("demo: " + e.getMessage());
            return 1;
        }
        int exitCode = summary.failedExamples().isEmpty() ? 0 : 1;
        if (!options.interactive()) {
            collector.close();
            return exitCode;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            collector.close();
            stopped.countDown();
        }, "insidellm-demo-shutdown"));
        out.println();
        out.println("Open " + collector.baseUrl() + " to look at the runs. Press Ctrl-C to stop the collector.");
        out.println("(To look again later: java -jar insidellm-collector/target/insidellm-collector.jar --db "
                + options.database() + ")");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCode;
    }

    /** Starts a collector on a fresh database: on the asked port, or on a free one when that port is taken. */
    static InsideLlmCollector startCollector(Options options, PrintStream out) {
        Path database = options.database();
        try {
            Files.createDirectories(database.toAbsolutePath().getParent());
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(database + suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InsideLlmCollector collector = InsideLlmCollector.builder().port(options.port()).databasePath(database)
                .build();
        try {
            collector.start();
        } catch (UncheckedIOException e) {
            if (options.port() == 0) {
                throw e;
            }
            collector = InsideLlmCollector.builder().port(0).databasePath(database).build();
            collector.start();
            out.printf("Port %d is busy (another collector or demo?), so the collector uses port %d instead.%n",
                    options.port(), collector.port());
        }
        out.printf("Collector listening on %s (database %s)%n", collector.baseUrl(), database);
        return collector;
    }

    /**
     * Runs the examples against {@code collector}, each with its own client, and reads back what the collector
     * stored. An example that fails is reported and the others still run.
     */
    static Summary runExamples(InsideLlmCollector collector, List<String> names, PrintStream out) {
        URI baseUrl = collector.baseUrl();
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            Example example = EXAMPLES.get(name);
            out.println("Running " + name);
            long start = System.nanoTime();
            try (InsideLlmClient client = Examples.client(baseUrl.toString())) {
                example.run(client, baseUrl, out);
                Examples.requireDelivered(client.flush(Duration.ofSeconds(10)), client.stats());
                out.printf("  done in %,d ms%n", (System.nanoTime() - start) / 1_000_000);
            } catch (Exception e) {
                failed.add(name);
                out.println("  FAILED: " + e);
                for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                    out.println("  caused by " + cause);
                }
            }
        }
        return summarize(baseUrl, failed);
    }

    /** Reads the totals and the events by type from the collector's query API. */
    static Summary summarize(URI baseUrl, List<String> failed) {
        JsonNode totals = get(baseUrl, "/api/v1/stats/models").path("totals");
        Map<String, Long> byType = new TreeMap<>();
        JsonNode page = get(baseUrl, "/api/v1/events?limit=1000");
        while (true) {
            for (JsonNode item : page.path("events")) {
                byType.merge(item.path("event").path("event_type").asText(), 1L, Long::sum);
            }
            if (!page.has("next_before")) {
                break;
            }
            page = get(baseUrl, "/api/v1/events?limit=1000&before=" + page.path("next_before").asLong());
        }
        return new Summary(totals.path("runs").asLong(), totals.path("events").asLong(),
                totals.path("llm_calls").asLong(), totals.path("tokens").asLong(), totals.path("cost").asDouble(),
                totals.path("errors").asLong(), byType, List.copyOf(failed), baseUrl);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** GETs a JSON document from the collector's query API. */
    static JsonNode get(URI baseUrl, String path) {
        HttpRequest request = HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the collector answered " + response.statusCode() + " to " + path
                        + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("could not query the collector at " + baseUrl + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying the collector", e);
        }
    }
}
