package com.insidellm.benchmarks;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import com.insidellm.collector.InsideLlmCollector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The collector's production path, beside {@link CollectorThroughputBenchmark}'s SQLite: ingest into PostgreSQL from
 * one SDK with its default settings and ~1 KB events ({@link #deliverToPostgres}), and the live tail across two
 * instances sharing PostgreSQL and Redis ({@link #liveTailAcrossInstances}: an event posted to instance A until an SSE
 * client on instance B has it; JMH's sample mode gives p50 and p99).
 *
 * <p>Needs a PostgreSQL and a Redis: {@code eval "$(scripts/dev-services.sh start)"} exports {@code
 * INSIDELLM_COLLECTOR_DB} and {@code INSIDELLM_COLLECTOR_REDIS}, which this reads. Each trial gets a fresh database.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class PostgresCollectorBenchmark {

    /** The PostgreSQL server from the environment, and a fresh database on it. */
    static String freshDatabase() {
        String location = System.getenv("INSIDELLM_COLLECTOR_DB");
        if (location == null || !location.startsWith("postgresql://")) {
            throw new IllegalStateException("set INSIDELLM_COLLECTOR_DB to a postgresql:// URL of a server where this"
                    + " user may create databases: eval \"$(scripts/dev-services.sh start)\"");
        }
        URI uri = URI.create(location);
        String server = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort();
        String user = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo().split(":")[0];
        String name = "bench_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(server + "/postgres?user=" + user);
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a benchmark database: " + e.getMessage(), e);
        }
        return "postgresql://" + user + "@" + uri.getHost() + ":" + uri.getPort() + "/" + name;
    }

    static String redis() {
        String redis = System.getenv("INSIDELLM_COLLECTOR_REDIS");
        if (redis == null) {
            throw new IllegalStateException("set INSIDELLM_COLLECTOR_REDIS: eval \"$(scripts/dev-services.sh start)\"");
        }
        return redis;
    }

    /** An embedded collector on a fresh PostgreSQL database, and an SDK client with default settings sending to it. */
    @State(Scope.Benchmark)
    public static class Ingest {
        InsideLlmCollector collector;
        InsideLlmClient client;
        Event[] events = new Event[DeliveryThroughputBenchmark.EVENTS];
        private final java.util.SplittableRandom random = new java.util.SplittableRandom(1);

        @Setup(Level.Trial)
        public void start() {
            collector = InsideLlmCollector.builder().port(0).database(freshDatabase()).build();
            collector.start();
            client = InsideLlmClient.builder().apiKey("benchmark-key").baseUrl(collector.baseUrl().toString())
                    .maxQueueSize(DeliveryThroughputBenchmark.EVENTS * 2).shutdownHook(false).build();
        }

        /** New ids each time: a re-sent event id would be a duplicate the collector does not store again. */
        @Setup(Level.Invocation)
        public void newEvents() {
            for (int i = 0; i < events.length; i++) {
                events[i] = BenchEvents.insideLlm(BenchEvents.variedText(random));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            ClientStats stats = client.stats();
            client.close();
            collector.close();
            if (stats.eventsDropped() > 0 || stats.eventsFailed() > 0) {
                throw new IllegalStateException("events were lost, the benchmark is invalid: " + stats);
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(DeliveryThroughputBenchmark.EVENTS)
    public void deliverToPostgres(Ingest state) {
        DeliveryThroughputBenchmark.deliver(state.client, state.events);
    }

    /** Two embedded collectors on one fresh database and the Redis, and an SSE client on the second. */
    @State(Scope.Benchmark)
    public static class TwoInstances {
        InsideLlmCollector a;
        InsideLlmCollector b;
        final HttpClient http = HttpClient.newHttpClient();
        final Map<String, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();
        CompletableFuture<HttpResponse<Stream<String>>> live;
        URI ingest;
        private final java.util.SplittableRandom random = new java.util.SplittableRandom(2);

        @Setup(Level.Trial)
        public void start() throws Exception {
            String db = freshDatabase();
            a = InsideLlmCollector.builder().port(0).database(db).redis(redis()).build();
            b = InsideLlmCollector.builder().port(0).database(db).redis(redis()).build();
            a.start();
            b.start();
            ingest = URI.create(a.baseUrl() + "/api/v1/ingest");
            CompletableFuture<Void> connected = new CompletableFuture<>();
            live = http.sendAsync(HttpRequest.newBuilder(URI.create(b.baseUrl() + "/api/v1/live")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            live.thenAccept(r -> r.body().forEach(line -> {
                if (line.startsWith(": connected")) {
                    connected.complete(null);
                } else if (line.startsWith("data: ")) {
                    int at = line.indexOf("\"event_id\":\"") + 12;
                    CompletableFuture<Void> f = waiting.remove(line.substring(at, at + 36));
                    if (f != null) {
                        f.complete(null);
                    }
                }
            }));
            connected.get(30, TimeUnit.SECONDS);
        }

        @TearDown(Level.Trial)
        public void stop() {
            live.cancel(true);
            a.close();
            b.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void liveTailAcrossInstances(TwoInstances state) throws Exception {
        Event e = BenchEvents.insideLlm(BenchEvents.variedText(state.random));
        CompletableFuture<Void> seen = new CompletableFuture<>();
        state.waiting.put(e.eventId(), seen);
        String body = "[{\"event_id\":\"" + e.eventId() + "\",\"run_id\":\"" + BenchEvents.RUN_ID + "\",\"timestamp\":\""
                + java.time.Instant.now() + "\",\"event_type\":\"user.input\",\"user_id\":\"" + BenchEvents.USER_ID
                + "\",\"payload\":{\"input_text\":\"" + BenchEvents.variedText(state.random) + "\"}}]";
        HttpResponse<String> r = state.http.send(HttpRequest.newBuilder(state.ingest)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("ingest answered " + r.statusCode() + ": " + r.body());
        }
        seen.get(10, TimeUnit.SECONDS);
    }
}
