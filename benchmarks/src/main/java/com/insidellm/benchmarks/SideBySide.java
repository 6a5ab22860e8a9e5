package com.insidellm.benchmarks;

import com.google.genai.Client;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.anthropic.InsideLlmAnthropic;
import com.insidellm.googlegenai.InsideLlmGenAI;
import com.insidellm.langchain4j.InsideLlmChatModelListener;
import com.insidellm.openai.InsideLlmOpenAI;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import okhttp3.OkHttpClient;

/**
 * Two builds of InsideLLM measured side by side in one JVM: this benchmarks jar and an earlier one (built from another
 * commit), each in its own class loader, their bursts alternated on one thread, so both see the same load from moment
 * to moment — on a shared machine the load changes faster than separate runs can follow. Each burst reads the thread's
 * own CPU time, which does not count waiting for a core. Measured: the provider SDK wrappers (unwrapped and wrapped,
 * inside a run and threaded), the LangChain4j listener, the caller cost of one {@code logEvent}, and delivery: the CPU
 * time per event of a client's flusher and sender threads while it delivers 10,000 events to a discarding loopback
 * server (as {@link DeliveryThroughputBenchmark} with {@code gzip=false}, {@code batchSize=200}).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar com.insidellm.benchmarks.SideBySide /tmp/before/benchmarks.jar [rounds]
 *     [case name prefix, e.g. "delivery"]
 * }</pre>
 *
 * <p>The earlier jar gets {@link Cases} injected (the same bytes as this jar's). The provider wrapper cases need an
 * earlier jar that has the wrappers; in one without them, only the other cases are compared.
 */
public final class SideBySide {

    private static final String CASES = Cases.class.getName();

    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        Path before = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int warmUp = Math.max(10, rounds / 2);
        String only = args.length > 2 ? args[2] : "";
        Path after = Path.of(SideBySide.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, byte[]> injected = casesClasses(after);
        List<ToLongFunction<String>> builds = List.of(load(before, injected), load(after, Map.of()));
        String[] names = Arrays.stream(Cases.NAMES).filter(name -> name.startsWith(only)
                && builds.get(0).applyAsLong(name) != Cases.MISSING).toArray(String[]::new);
        long[][][] picos = new long[2][names.length][rounds];
        String startLoad = loadAverage();
        Instant started = Instant.now();
        for (int round = -warmUp; round < rounds; round++) {
            for (int c = 0; c < names.length; c++) {
                // Before-after one round, after-before the next: neither always runs first.
                for (int k = 0; k < 2; k++) {
                    int b = (round & 1) == 0 ? k : 1 - k;
                    long value = builds.get(b).applyAsLong(names[c]);
                    if (round >= 0) {
                        picos[b][c][round] = value;
                    }
                }
            }
        }
        System.out.printf("side by side, %s, %d rounds after %d of warm-up, load average %s at the start and %s at "
                + "the end%n  before: %s%n  after:  %s%n", started, rounds, warmUp, startLoad, loadAverage(),
                before, after);
        System.out.printf("  %-34s %12s %12s   (p25-p75 before | after)%n", "caller CPU per call (median)", "before",
                "after");
        for (int c = 0; c < names.length; c++) {
            System.out.printf("  %-34s %12s %12s   (%s | %s)%n", names[c], ns(median(picos[0][c])),
                    ns(median(picos[1][c])), range(picos[0][c]), range(picos[1][c]));
        }
        System.out.println("  overhead (median of per-round wrapped - unwrapped, listener - plain):");
        for (int c = 0; c < names.length; c++) {
            int base = Arrays.asList(names).indexOf(Cases.baseline(names[c]));
            if (base >= 0 && base != c) {
                System.out.printf("  %-34s %12s %12s%n", names[c], ns(medianDifference(picos[0][c], picos[0][base])),
                        ns(medianDifference(picos[1][c], picos[1][base])));
            }
        }
    }

    private static String ns(long picos) {
        return picos >= 10_000_000 ? String.format("%,d ns", picos / 1000) : String.format("%,.1f ns", picos / 1000.0);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String range(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return ns(sorted[sorted.length / 4]) + " - " + ns(sorted[3 * sorted.length / 4]);
    }

    private static long medianDifference(long[] values, long[] baseline) {
        long[] differences = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            differences[i] = values[i] - baseline[i];
        }
        return median(differences);
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The bytes of {@link Cases} and its nested classes, from this jar. */
    private static Map<String, byte[]> casesClasses(Path jar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : java.util.Collections.list(file.entries())) {
                String name = entry.getName();
                if (name.startsWith(CASES.replace('.', '/')) && name.endsWith(".class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        classes.put(name.substring(0, name.length() - 6).replace('/', '.'), in.readAllBytes());
                    }
                }
            }
        }
        return classes;
    }

    @SuppressWarnings("unchecked")
    private static ToLongFunction<String> load(Path jar, Map<String, byte[]> injected) throws Exception {
        ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] bytes = injected.get(name);
                return bytes != null ? defineClass(name, bytes, 0, bytes.length) : super.findClass(name);
            }
        };
        return (ToLongFunction<String>) loader.loadClass(CASES).getDeclaredConstructor().newInstance();
    }

    /**
     * What is measured, built in each class loader: one burst of a case, its CPU time per call in picoseconds
     * (drained afterwards, outside the measurement). Uses only what every compared build has, except the
     * {@link Wrappers}' cases, which a build without the wrappers leaves out.
     */
    public static final class Cases implements ToLongFunction<String> {

        static final String DELIVERY = "delivery flusher+sender per event";
        static final String[] NAMES = {"caller cost logEvent", DELIVERY, "langchain4j plain", "langchain4j listener",
            "langchain4j listener in run", "openai unwrapped", "openai wrapped", "openai wrapped in run",
            "anthropic unwrapped", "anthropic wrapped", "anthropic wrapped in run", "genai unwrapped", "genai wrapped",
            "genai wrapped in run"};
        /** What {@link #applyAsLong} answers for a case this build cannot run (it predates what the case needs). */
        static final long MISSING = Long.MIN_VALUE;
        /**
         * Not private: in the earlier build's class loader, the nested classes cannot reach their nest host
         * ({@code SideBySide} is not injected), so they may use only package-private members of {@code Cases}.
         */
        static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        private final InsideLlmClient client = InsideLlmClient.builder()
                .addExporter(new CallerCostBenchmark.DiscardingExporter())
                .maxQueueSize(CallerCostBenchmark.QUEUE_CAPACITY).batchSize(500).maxBatchBytes(4L * 1024 * 1024)
                .shutdownHook(false).build();
        private final Map<String, Runnable> calls = new LinkedHashMap<>();
        private @org.jspecify.annotations.Nullable Delivery delivery;

        public Cases() {
            calls.put("caller cost logEvent", () -> client.logEvent(BenchEvents.insideLlm()));
            try {
                Wrappers.add(client, calls);
            } catch (LinkageError missing) {
                // An earlier build without the provider wrappers: their cases are left out.
            }
        }

        /** The case whose cost {@code name} adds to, or {@code null}. */
        static String baseline(String name) {
            if (name.startsWith("langchain4j listener")) {
                return "langchain4j plain";
            }
            int wrapped = name.indexOf(" wrapped");
            return wrapped > 0 ? name.substring(0, wrapped) + " unwrapped" : null;
        }

        @Override
        public long applyAsLong(String name) {
            if (name.equals(DELIVERY)) {
                try {
                    if (delivery == null) {
                        delivery = new Delivery();
                    }
                    return delivery.burst();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            boolean inRun = name.endsWith(" in run");
            Runnable call = calls.get(inRun ? name.substring(0, name.length() - " in run".length()) : name);
            if (call == null) {
                return MISSING;
            }
            int burst = name.startsWith("caller") ? 1_000 : 200;
            long start = THREADS.getCurrentThreadCpuTime();
            try (InsideLlmContext.Scope ignored = inRun
                    ? InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID).makeCurrent() : null) {
                for (int i = 0; i < burst; i++) {
                    call.run();
                }
            }
            long used = THREADS.getCurrentThreadCpuTime() - start;
            if (!client.flush(Duration.ofSeconds(30)) || client.stats().eventsDropped() > 0) {
                throw new IllegalStateException("InsideLLM did not deliver every event: " + client.stats());
            }
            return used * 1000 / burst;
        }

        /**
         * A client delivering over HTTP to a discarding loopback server, and the CPU time its flusher and sender
         * threads spend per event.
         */
        private static final class Delivery {
            private final DiscardingHttpServer server = new DiscardingHttpServer();
            private final InsideLlmClient client = InsideLlmClient.builder().apiKey("benchmark-key")
                    .baseUrl(server.baseUrl()).batchSize(200).gzip(false)
                    .maxQueueSize(DeliveryThroughputBenchmark.EVENTS * 2).shutdownHook(false).build();
            private final com.insidellm.Event[] events = new com.insidellm.Event[DeliveryThroughputBenchmark.EVENTS];
            /** The client's flusher and sender, found by the first burst (which starts them). */
            private Thread @org.jspecify.annotations.Nullable [] threads;

            Delivery() throws IOException {
                java.util.SplittableRandom random = new java.util.SplittableRandom(1);
                for (int i = 0; i < events.length; i++) {
                    events[i] = BenchEvents.insideLlm(BenchEvents.variedText(random));
                }
            }

            long burst() {
                Thread[] measured = threads;
                if (measured == null) {
                    java.util.Set<Thread> earlier = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
                    DeliveryThroughputBenchmark.deliver(client, events);
                    measured = Thread.getAllStackTraces().keySet().stream().filter(t -> !earlier.contains(t)
                            && (t.getName().startsWith("insidellm-flusher")
                            || t.getName().startsWith("insidellm-sender"))).toArray(Thread[]::new);
                    threads = measured;
                }
                long start = cpu(measured);
                DeliveryThroughputBenchmark.deliver(client, events);
                if (client.stats().eventsDropped() > 0 || client.stats().eventsFailed() > 0) {
                    throw new IllegalStateException("events were lost: " + client.stats());
                }
                return (cpu(measured) - start) * 1000 / events.length;
            }

            private static long cpu(Thread[] measured) {
                long sum = 0;
                for (Thread t : measured) {
                    sum += Math.max(0, THREADS.getThreadCpuTime(t.getId()));
                }
                return sum;
            }
        }

        /** The provider wrapper and LangChain4j cases; a class of its own so that a build without them still loads. */
        private static final class Wrappers {
            private static final ChatRequest CHAT = ChatRequest.builder()
                    .messages(SystemMessage.from(WrapperRecording.SYSTEM), UserMessage.from(WrapperRecording.QUESTION))
                    .build();
            private static volatile Object sink;

            private Wrappers() {
            }

            static void add(InsideLlmClient client, Map<String, Runnable> calls) {
                ChatModel plain = new LangChain4jListenerBenchmark.ScriptedChatModel(List.of());
                ChatModel listened = new LangChain4jListenerBenchmark.ScriptedChatModel(
                        List.of(InsideLlmChatModelListener.create(client)));
                var openAiRaw = OpenAiWrapperBenchmark.client();
                var openAi = InsideLlmOpenAI.wrap(OpenAiWrapperBenchmark.client(), client);
                var anthropicRaw = AnthropicWrapperBenchmark.client();
                var anthropic = InsideLlmAnthropic.wrap(AnthropicWrapperBenchmark.client(), client);
                Client geminiRaw = GenAiWrapperBenchmark.client(new OkHttpClient.Builder()
                        .addInterceptor(GenAiWrapperBenchmark.MEMORY).build());
                Client gemini = GenAiWrapperBenchmark.client(new OkHttpClient.Builder()
                        .addInterceptor(InsideLlmGenAI.interceptor(ModelCallRecorder.create(client)))
                        .addInterceptor(GenAiWrapperBenchmark.MEMORY).build());
                calls.put("langchain4j plain", () -> sink = plain.chat(CHAT));
                calls.put("langchain4j listener", () -> sink = listened.chat(CHAT));
                calls.put("openai unwrapped", () -> sink = openAiRaw.chat().completions()
                        .create(OpenAiWrapperBenchmark.PARAMS));
                calls.put("openai wrapped", () -> sink = openAi.chat().completions().create(OpenAiWrapperBenchmark.PARAMS));
                calls.put("anthropic unwrapped", () -> sink = anthropicRaw.messages()
                        .create(AnthropicWrapperBenchmark.PARAMS));
                calls.put("anthropic wrapped", () -> sink = anthropic.messages().create(AnthropicWrapperBenchmark.PARAMS));
                calls.put("genai unwrapped", () -> sink = geminiRaw.models.generateContent("gemini-2.5-flash",
                        WrapperRecording.QUESTION, GenAiWrapperBenchmark.CONFIG));
                calls.put("genai wrapped", () -> sink = gemini.models.generateContent("gemini-2.5-flash",
                        WrapperRecording.QUESTION, GenAiWrapperBenchmark.CONFIG));
            }
        }
    }
}
