package com.insidellm.benchmarks;

import com.insidellm.collector.InsideLlmCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The gateway's overhead, measured in one run: the same fake OpenAI upstream called directly and through the
 * collector's gateway (recording on, SQLite database), by 1, 16 and 100 concurrent clients; added latency p50/p99,
 * requests per second, the streaming time to first token added, and 500 concurrent streams. A load program rather
 * than JMH: what matters is latency under concurrency end to end, over real sockets.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar com.insidellm.benchmarks.GatewayLoad [seconds per step]</pre>
 *
 * Everything (clients, gateway, upstream) shares the machine's cores, so the figures include the load generator's
 * own cost on both sides of the comparison.
 */
public final class GatewayLoad {

    private static final MediaType JSON = MediaType.get("application/json");
    private static final String REQUEST = "{\"model\":\"%s\",\"messages\":[{\"role\":\"system\",\"content\":\"You are"
            + " a helpful assistant.\"},{\"role\":\"user\",\"content\":\"What is the capital of France? %d\"}]%s}";

    /**
     * {@code -Dgatewayload.record=false} suppresses every call (forwarded, not recorded): the serving path alone, to
     * tell its share of the added latency from the recorder's.
     */
    private static final boolean RECORD = !"false".equals(System.getProperty("gatewayload.record"));

    private GatewayLoad() {}

    /** Runs every step and prints a Markdown report. */
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        // A second argument (client counts, "16" or "1,16") runs only those closed-loop steps: for profiling and
        // before/after comparisons of one step.
        int[] closedLoop = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 16, 100};
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("gateway-load");
        try (GatewayFakeUpstream upstream = new GatewayFakeUpstream()) {
            Path config = dir.resolve("proxy.json");
            Files.writeString(config, "{\"models\": [{\"provider\": \"openai\", \"providerModel\": "
                    + "\"gpt-4o-mini\", \"model\": \"mini\", \"apiBase\": \"" + upstream.base() + "/v1\", "
                    + "\"apiKey\": \"sk-bench\"}], \"suppressPrefixes\": " + (RECORD ? "[]" : "[\"What is\"]") + "}");
            try (InsideLlmCollector collector = InsideLlmCollector.builder().port(0)
                    .databasePath(dir.resolve("events.db")).proxyConfig(config, Map.of()).build()) {
                collector.start();
                String direct = upstream.base() + "/v1/chat/completions";
                String gateway = collector.baseUrl() + "/v1/chat/completions";
                out.println("# Gateway overhead (" + seconds + " s per step, "
                        + Runtime.getRuntime().availableProcessors() + " cores, load before: "
                        + Files.readString(Path.of("/proc/loadavg")).trim() + ")");
                out.println();
                out.println("| clients | direct p50 ms | gateway p50 ms | added p50 ms | direct p99 ms | gateway p99 ms"
                        + " | added p99 ms | direct req/s | gateway req/s | gateway CPU µs/call"
                        + " | of which recorder µs/call | gateway KB allocated/call | errors |");
                out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
                for (int clients : closedLoop) {
                    run(direct, "gpt-4o-mini", clients, 1); // warm-up, discarded
                    Result warm = run(gateway, "mini", clients, 1);
                    await(collector, warm.millis().length);
                    Result d = run(direct, "gpt-4o-mini", clients, seconds);
                    long cpuBefore = CpuMeter.cpuNanosOfThreads("insidellm-");
                    long recorderBefore = CpuMeter.cpuNanosOfThreads("insidellm-gateway-recorder");
                    long allocatedBefore = CpuMeter.allocatedBytesOfThreads("insidellm-");
                    Result g = run(gateway, "mini", clients, seconds);
                    // The gateway's own threads (serving and recording), per call: what a call costs whatever the load.
                    await(collector, g.millis().length);
                    int calls = Math.max(1, g.millis().length);
                    double cpuPerCall = (CpuMeter.cpuNanosOfThreads("insidellm-") - cpuBefore) / 1000.0 / calls;
                    double recorderPerCall = (CpuMeter.cpuNanosOfThreads("insidellm-gateway-recorder") - recorderBefore) / 1000.0
                            / calls;
                    double kbPerCall = (CpuMeter.allocatedBytesOfThreads("insidellm-") - allocatedBefore) / 1024.0 / calls;
                    out.printf("| %d | %.3f | %.3f | **%.3f** | %.3f | %.3f | **%.3f** | %.0f | %.0f | %.0f | %.0f"
                            + " | %.1f | %d |%n",
                            clients, d.p50(), g.p50(), g.p50() - d.p50(), d.p99(), g.p99(), g.p99() - d.p99(),
                            d.rate(), g.rate(), cpuPerCall, recorderPerCall, kbPerCall, d.errors() + g.errors());
                }
                if (args.length > 1) {
                    return;
                }
                out.println();
                out.println("| paced at (req/s) | direct p50 ms | gateway p50 ms | added p50 ms | direct p99 ms"
                        + " | gateway p99 ms | added p99 ms | achieved gateway req/s | errors |");
                out.println("|---|---|---|---|---|---|---|---|---|");
                for (int rate : new int[] {500, 1000}) {
                    paced(direct, "gpt-4o-mini", rate, 1);
                    paced(gateway, "mini", rate, 1);
                    Result d = paced(direct, "gpt-4o-mini", rate, seconds);
                    Result g = paced(gateway, "mini", rate, seconds);
                    out.printf("| %d | %.3f | %.3f | **%.3f** | %.3f | %.3f | **%.3f** | %.0f | %d |%n", rate, d.p50(),
                            g.p50(), g.p50() - d.p50(), d.p99(), g.p99(), g.p99() - d.p99(),
                            g.millis().length / (double) seconds, d.errors() + g.errors());
                }
                out.println();
                out.println("| streaming clients | direct TTFT p50 ms | gateway TTFT p50 ms | added p50 ms"
                        + " | direct TTFT p99 ms | gateway TTFT p99 ms | added p99 ms |");
                out.println("|---|---|---|---|---|---|---|");
                for (int clients : new int[] {1, 16}) {
                    stream(direct, "gpt-4o-mini", clients, 1, 5, 2);
                    stream(gateway, "mini", clients, 1, 5, 2);
                    Result d = stream(direct, "gpt-4o-mini", clients, seconds, 5, 2);
                    Result g = stream(gateway, "mini", clients, seconds, 5, 2);
                    out.printf("| %d | %.3f | %.3f | **%.3f** | %.3f | %.3f | **%.3f** |%n", clients, d.p50(),
                            g.p50(), g.p50() - d.p50(), d.p99(), g.p99(), g.p99() - d.p99());
                }
                out.println();
                Concurrent c = concurrentStreams(gateway, 500, 40, 50);
                out.printf("500 concurrent streams through the gateway (40 chunks, 50 ms apart): %d completed, %d"
                        + " errors, %d chunks received, %.1f s wall time%n", c.completed(), c.errors(), c.chunks(),
                        c.seconds());
                out.println();
                out.println("Recorded calls: " + count(collector.baseUrl() + "/api/v1/events?type=llm.response&limit=1")
                        + "; load after: " + Files.readString(Path.of("/proc/loadavg")).trim());
            }
        }
    }

    private static long recordedBefore;

    /** Waits until the recorder has caught up with the calls of the last step, so its CPU time is counted. */
    static void await(InsideLlmCollector collector, int calls) throws Exception {
        if (!RECORD) {
            return;
        }
        long target = recordedBefore + calls;
        for (int i = 0; i < 600; i++) {
            String health = new String(new java.net.URL(collector.baseUrl() + "/health").openStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            int k = health.indexOf("\"recorded_calls\":");
            long recorded = Long.parseLong(health.substring(k + 17, health.indexOf(',', k)).trim());
            if (recorded >= target) {
                recordedBefore = recorded;
                return;
            }
            Thread.sleep(100);
        }
    }

    private static String count(String url) throws IOException {
        OkHttpClient http = new OkHttpClient();
        try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
            String body = r.body().string();
            int i = body.indexOf("\"latest_seq\":");
            return i < 0 ? "?" : body.substring(i + 13, body.indexOf(',', i)) + " events stored (latest sequence)";
        }
    }

    /** Latencies in ms (sorted), requests per second, errors. */
    record Result(double[] millis, double rate, long errors) {
        double p50() {
            return percentile(50);
        }

        double p99() {
            return percentile(99);
        }

        double percentile(double p) {
            if (millis.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * millis.length);
            return millis[Math.max(0, Math.min(millis.length - 1, rank - 1))];
        }
    }

    record Concurrent(long completed, long errors, long chunks, double seconds) {}

    private static OkHttpClient client(int clients, Duration timeout) {
        return new OkHttpClient.Builder().connectionPool(new ConnectionPool(clients + 8, 1, TimeUnit.MINUTES))
                .readTimeout(timeout).callTimeout(timeout).retryOnConnectionFailure(false).build();
    }

    /** What a {@link Call} returns when it made no call (a paced load past its schedule). */
    static final long SKIP = Long.MIN_VALUE;

    /** One timed call: its latency in nanoseconds, -1 when it failed, or {@link #SKIP}. */
    @FunctionalInterface
    interface Call {
        long nanos(OkHttpClient http, int n) throws IOException;
    }

    /** {@code clients} threads making calls back to back for {@code seconds}. */
    static Result measure(int clients, int seconds, Call call) throws InterruptedException {
        OkHttpClient http = client(clients, Duration.ofSeconds(30));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong errors = new AtomicLong();
        AtomicInteger counter = new AtomicInteger();
        Thread[] threads = new Thread[clients];
        long[][] perThread = new long[clients][];
        int[] counts = new int[clients];
        for (int t = 0; t < clients; t++) {
            int index = t;
            threads[t] = new Thread(() -> {
                long[] lat = new long[1 << 14];
                int n = 0;
                while (System.nanoTime() < end) {
                    long took;
                    try {
                        took = call.nanos(http, counter.incrementAndGet());
                    } catch (IOException e) {
                        took = -1;
                    }
                    if (took == SKIP) {
                        continue;
                    }
                    if (took < 0) {
                        errors.incrementAndGet();
                        continue;
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = took;
                }
                perThread[index] = lat;
                counts[index] = n;
            }, "load-" + t);
            threads[t].start();
        }
        long started = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        http.connectionPool().evictAll();
        return result(perThread, counts, elapsed, errors.get());
    }

    /**
     * An open-loop load: calls start on a fixed schedule of {@code rate} per second (spread over 32 threads), and the
     * latency counts from the scheduled start, so a call delayed by an earlier slow one is charged with the delay
     * (no coordinated omission). What a service sees from many independent users, like LiteLLM's ~1,000 req/s figure.
     */
    static Result paced(String url, String model, int rate, int seconds) throws InterruptedException {
        int threads = 32;
        long origin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        AtomicInteger slot = new AtomicInteger();
        long total = (long) rate * seconds;
        return measure(threads, seconds + 1, (http, n) -> {
            int k = slot.getAndIncrement();
            if (k >= total) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                return SKIP;
            }
            long scheduled = origin + k * 1_000_000_000L / rate;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            byte[] body = String.format(REQUEST, model, n, "").getBytes(StandardCharsets.UTF_8);
            try (Response r = http.newCall(new Request.Builder().url(url).post(RequestBody.create(body, JSON)).build())
                    .execute()) {
                r.body().bytes();
                return r.code() == 200 ? System.nanoTime() - scheduled : -1;
            }
        });
    }

    /** Single answers: the latency is the whole call. */
    static Result run(String url, String model, int clients, int seconds) throws InterruptedException {
        return measure(clients, seconds, (http, n) -> {
            byte[] body = String.format(REQUEST, model, n, "").getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            try (Response r = http.newCall(new Request.Builder().url(url).post(RequestBody.create(body, JSON)).build())
                    .execute()) {
                r.body().bytes();
                return r.code() == 200 ? System.nanoTime() - start : -1;
            }
        });
    }

    private static Result result(long[][] perThread, int[] counts, double elapsed, long errors) {
        int total = Arrays.stream(counts).sum();
        double[] all = new double[total];
        int k = 0;
        for (int t = 0; t < perThread.length; t++) {
            for (int i = 0; i < counts[t]; i++) {
                all[k++] = perThread[t][i] / 1e6;
            }
        }
        Arrays.sort(all);
        return new Result(all, total / elapsed, errors);
    }

    /** Streaming calls back to back; the latency recorded is the time to the first content chunk. */
    static Result stream(String url, String model, int clients, int seconds, int chunks, int gapMillis)
            throws InterruptedException {
        return measure(clients, seconds, (http, n) -> {
            byte[] body = String.format(REQUEST, model, n, ",\"stream\":true,\"chunks\":" + chunks + ",\"gap\":"
                    + gapMillis).getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            long first = -1;
            try (Response r = http.newCall(new Request.Builder().url(url).post(RequestBody.create(body, JSON)).build())
                    .execute()) {
                BufferedSource source = r.body().source();
                String line;
                while ((line = source.readUtf8Line()) != null) {
                    if (first < 0 && line.contains("\"content\":\"")) {
                        first = System.nanoTime() - start;
                    }
                }
            }
            return first;
        });
    }

    /** {@code streams} streaming calls at once, each {@code chunks} chunks {@code gapMillis} apart. */
    static Concurrent concurrentStreams(String url, int streams, int chunks, int gapMillis) throws InterruptedException {
        OkHttpClient http = client(streams, Duration.ofSeconds(120));
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong received = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        long started = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            int n = i;
            pool.execute(() -> {
                byte[] body = String.format(REQUEST, "mini", n, ",\"stream\":true,\"chunks\":" + chunks + ",\"gap\":"
                        + gapMillis).getBytes(StandardCharsets.UTF_8);
                try {
                    go.await();
                    try (Response r = http.newCall(new Request.Builder().url(url)
                            .post(RequestBody.create(body, JSON)).build()).execute()) {
                        BufferedSource source = r.body().source();
                        String line;
                        int got = 0;
                        boolean done = false;
                        while ((line = source.readUtf8Line()) != null) {
                            if (line.contains("\"content\":\"")) {
                                got++;
                            }
                            done |= line.equals("data: [DONE]");
                        }
                        received.addAndGet(got);
                        if (r.code() == 200 && done && got == chunks) {
                            completed.incrementAndGet();
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        go.countDown();
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.MINUTES);
        return new Concurrent(completed.get(), errors.get(), received.get(), (System.nanoTime() - started) / 1e9);
    }
}
