package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.http.CollectorServer;
import com.insidellm.collector.http.Guard;
import com.insidellm.collector.http.Http;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.query.Queries;
import com.insidellm.collector.store.ConversationStore;
import com.sun.net.httpserver.HttpExchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible logging gateway: loads its configuration, registers {@code /v1/chat/completions} and {@code
 * /v1/models} on the collector's server, and records every call through the collector's ingest path. Created by the
 * collector at start; a configuration that fails to load leaves the gateway without models and {@code /health} saying
 * why, while the rest of the collector serves as usual. Internal. Thread-safe; {@link #close()} is idempotent.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** Most calls in flight at once (each holds a thread while its upstream answers or streams). */
    static final int MAX_CONCURRENT_CALLS = 2048;

    /**
     * How the gateway is configured.
     *
     * @param configFile the configuration file; null for none
     * @param explicit whether the file was named (a missing named file is an error; a missing default is not)
     * @param env where {@code ENV:} references are resolved
     * @param timeout overrides the file's upstream timeout, if set
     * @param runIdle overrides the file's run idle time, if set
     */
    public record Settings(@Nullable Path configFile, boolean explicit, Map<String, String> env,
            @Nullable Duration timeout, @Nullable Duration runIdle) {

        /** {@code ~/.insidellm/proxy.json}. */
        public static Path defaultFile() {
            return Path.of(System.getProperty("user.home"), ".insidellm", "proxy.json");
        }
    }

    private final GatewayState state;
    private final OkHttpClient http;
    private final ThreadPoolExecutor workers;
    private final GatewayRecorder recorder;
    private final ObjectMapper mapper;
    private final long maxBodyBytes;
    private volatile boolean closed;

    /** Loads the configuration (logging what is wrong rather than failing) and starts the recorder. */
    public Gateway(Settings settings, Ingestor ingestor, ConversationStore conversations, ObjectMapper mapper,
            long maxBodyBytes, Clock clock) {
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
        this.state = load(settings);
        ProxyConfig config = state.config();
        Duration timeout = settings.timeout() != null ? settings.timeout()
                : config != null ? config.timeout() : Duration.ofSeconds(ProxyConfig.DEFAULT_TIMEOUT_SECONDS);
        Duration idle = settings.runIdle() != null ? settings.runIdle()
                : config != null ? config.runIdle() : Duration.ofMinutes(ProxyConfig.DEFAULT_RUN_IDLE_MINUTES);
        this.http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(10).compareTo(timeout) < 0 ? Duration.ofSeconds(10) : timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES))
                .followRedirects(false)
                .build();
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, MAX_CONCURRENT_CALLS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "insidellm-gateway-" + n.incrementAndGet());
                    t.setDaemon(true);
                    t.setContextClassLoader(null);
                    t.setUncaughtExceptionHandler((th, e) -> LOG.error("uncaught in {}", th.getName(), e));
                    return t;
                });
        this.recorder = new GatewayRecorder(ingestor, mapper, conversations, new Fingerprints(), idle, clock);
        if (state.config() != null) {
            LOG.info("gateway: {} models from {} at /v1/chat/completions", state.config().models().size(),
                    state.file());
        }
        this.chat = new ChatEndpoint(() -> state, http, mapper, workers, recorder, maxBodyBytes, clock);
    }

    private final ChatEndpoint chat;

    private static GatewayState load(Settings settings) {
        Path file = settings.configFile();
        if (file == null || (!settings.explicit() && !Files.exists(file))) {
            return GatewayState.none();
        }
        try {
            ProxyConfig config = ProxyConfig.load(file, settings.env());
            config.warnings().forEach(w -> LOG.warn("gateway configuration {}: {}", file, w));
            return new GatewayState(file, config, null);
        } catch (ProxyConfig.InvalidException e) {
            LOG.error("gateway configuration not loaded, the gateway has no models: {}", e.describe());
            return new GatewayState(file, null, e);
        }
    }

    /** Registers the gateway's routes; callers are authenticated like ingest (API keys when configured). */
    public void register(CollectorServer server) {
        server.route("/v1/chat/completions", Guard.INGEST_KEY, chat);
        server.route("/v1/models", Guard.INGEST_KEY, this::models);
        server.route("/v1/", Guard.INGEST_KEY, ex -> Http.json(ex, 404, Http.openAiError(404, "the gateway serves"
                + " /v1/chat/completions and /v1/models; " + ex.getRequestURI().getPath() + " is not one of them", null)));
    }

    /** {@code GET /v1/models}: the configured models, in the OpenAI list format dolphin-logger answers with. */
    private void models(HttpExchange ex) throws Exception {
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        ProxyConfig config = state.config();
        if (config != null) {
            for (ProxyConfig.Route route : config.models().values()) {
                ObjectNode m = data.addObject();
                m.put("id", route.model());
                m.put("object", "model");
                m.put("created", 0);
                m.put("owned_by", route.provider().id());
                m.put("provider", route.provider().id());
                m.put("provider_model", route.providerModel());
            }
        }
        Http.json(ex, 200, mapper.writeValueAsBytes(root));
    }

    /** {@code /health}: the collector's document with a {@code gateway} section. */
    public void health(HttpExchange ex, Queries.Health base) throws Exception {
        ObjectNode doc = (ObjectNode) mapper.readTree(base.json());
        ObjectNode g = state.health();
        g.put("recorded_calls", recorder.recorded());
        g.put("dropped_calls", recorder.dropped());
        // Calls whose client waited for room in the recording queue: the store is the bottleneck (backpressure).
        g.put("backpressured_calls", recorder.waited());
        g.put("recording", recorder.status());
        if (!recorder.status().equals("ok") && g.path("status").asText().equals("ok")) {
            g.put("status", "degraded");
        }
        String failure = recorder.storeFailure();
        if (failure != null) {
            g.put("recording_error", failure);
        }
        doc.set("gateway", g);
        Http.json(ex, base.ok() ? 200 : 503, mapper.writeValueAsBytes(doc));
    }

    /** Stops taking calls, lets calls in flight end briefly, and records what is queued. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                chat.cancelAll();
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recorder.close();
        http.connectionPool().evictAll();
    }
}
