package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.http.Bodies;
import com.insidellm.collector.http.Handler;
import com.insidellm.collector.http.Http;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions}: finds the configured model, forwards the request with the gateway's key (never
 * the client's), answers with the upstream's answer — passed through unchanged from OpenAI-compatible upstreams,
 * translated from Anthropic's — and hands the call to the {@link GatewayRecorder}. Streams are passed on event by
 * event as they arrive, never buffered whole ({@link StreamRelay}). Each call runs on the gateway's own threads, so a
 * slow model does not hold the collector's request threads. Internal. Thread-safe.
 */
final class ChatEndpoint implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ChatEndpoint.class);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String USER_HEADER = "X-InsideLLM-User-Id";
    private static final String RUN_HEADER = "X-InsideLLM-Run-Id";
    /** Error bodies kept for the record; longer ones are cut. */
    private static final int MAX_ERROR_BODY = 16 * 1024;

    /** Calls served on the collector's own request threads at once (half of its pool). */
    static final int INLINE_LIMIT = 8;

    private final java.util.concurrent.atomic.AtomicInteger inline = new java.util.concurrent.atomic.AtomicInteger();
    private final Supplier<GatewayState> state;
    private final OkHttpClient http;
    private final OkHttpClient whole;
    private final java.util.Set<Call> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ObjectMapper mapper;
    private final ExecutorService workers;
    private final GatewayRecorder recorder;
    private final long maxBodyBytes;
    private final Clock clock;
    private final StreamRelay relay;
    /** Upstream URLs by route (a reloaded configuration brings new routes; a few stale entries are harmless). */
    private final java.util.Map<ProxyConfig.Route, HttpUrl> urls = new java.util.concurrent.ConcurrentHashMap<>();

    ChatEndpoint(Supplier<GatewayState> state, OkHttpClient http, ObjectMapper mapper, ExecutorService workers,
            GatewayRecorder recorder, long maxBodyBytes, Clock clock) {
        this.state = state;
        this.http = http;
        this.whole = http.newBuilder().readTimeout(java.time.Duration.ZERO).writeTimeout(java.time.Duration.ZERO)
                .callTimeout(java.time.Duration.ofMillis(http.readTimeoutMillis())).build();
        this.mapper = mapper;
        this.workers = workers;
        this.recorder = recorder;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
        this.relay = new StreamRelay(mapper, clock, this::finish);
    }

    @Override
    public void handle(HttpExchange ex) throws Exception {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            Http.error(ex, 405, "use POST for chat completions");
            return;
        }
        // A hand-off to another thread costs a wake-up, which on a busy machine is most of the gateway's added
        // latency: up to INLINE_LIMIT calls run on the collector's request thread; beyond that (and for slow models
        // holding threads) they move to the gateway's own threads, so ingest and the viewer always keep threads.
        if (inline.incrementAndGet() <= INLINE_LIMIT) {
            try {
                serve(ex);
            } finally {
                inline.decrementAndGet();
            }
            return;
        }
        inline.decrementAndGet();
        try {
            workers.execute(() -> serve(ex));
        } catch (RejectedExecutionException e) {
            ex.getResponseHeaders().set("Retry-After", "1");
            Http.error(ex, 503, "the gateway is at its limit of concurrent calls; retry shortly");
        }
    }

    private void serve(HttpExchange ex) {
        try {
            serveChecked(ex);
        } catch (IOException e) {
            LOG.debug("gateway client connection failed: {}", e.toString());
            ex.close();
        } catch (RuntimeException e) {
            LOG.error("gateway call failed", e);
            try {
                Http.error(ex, 500, "internal error: " + e.getClass().getSimpleName());
            } catch (IOException | RuntimeException ignored) {
                ex.close();
            }
        }
    }

    private void serveChecked(HttpExchange ex) throws IOException {
        long startNanos = System.nanoTime();
        long startMicros = micros();
        byte[] body = Bodies.read(ex, maxBodyBytes);
        if (body == null) {
            return;
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            reject(ex, 400, "the request body is not valid JSON: " + e.getOriginalMessage(), null);
            return;
        }
        if (root == null || !root.isObject()) {
            reject(ex, 400, "the request body must be a JSON object", null);
            return;
        }
        ObjectNode request = (ObjectNode) root;
        JsonNode modelNode = request.get("model");
        if (modelNode == null || !modelNode.isTextual() || modelNode.asText().isBlank()) {
            reject(ex, 400, "you must provide a model parameter", "missing_model");
            return;
        }
        if (!request.path("messages").isArray()) {
            reject(ex, 400, "messages must be a list of chat messages", null);
            return;
        }
        GatewayState current = state.get();
        ProxyConfig config = current.config();
        String model = modelNode.asText();
        ProxyConfig.Route route = config == null ? null : config.models().get(model);
        if (route == null) {
            reject(ex, 404, current.unknownModel(model), "model_not_found");
            return;
        }
        if (route.missingVariable() != null) {
            reject(ex, 500, "model " + model + " cannot be used: its apiKey references environment variable "
                    + route.missingVariable() + ", which is not set where the collector runs", "upstream_key_missing");
            return;
        }
        boolean stream = request.path("stream").asBoolean(false);
        boolean clientWantsUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        String user = header(ex, USER_HEADER);
        if (user == null && request.path("user").isTextual() && !request.path("user").asText().isBlank()) {
            user = request.path("user").asText();
        }
        boolean suppressed = Suppression.suppressed(request, config.suppressPrefixes());
        ProxiedCall call = new ProxiedCall(request, route, user, header(ex, RUN_HEADER), stream, startMicros,
                startNanos);

        Request upstream = upstreamRequest(route, request, body, stream);
        // Streams: a timeout per read (a stalled stream ends, a long one does not). Single answers: one timeout for
        // the whole call, which spares okio's shared timeout queue (a global lock) two visits per read and write.
        Call upstreamCall = (stream ? http : whole).newCall(upstream);
        inFlight.add(upstreamCall);
        try (Response response = upstreamCall.execute()) {
            ResponseBody responseBody = response.body();
            String contentType = response.header("Content-Type", "application/json");
            if (!response.isSuccessful()) {
                byte[] bytes = responseBody == null ? new byte[0] : limited(responseBody);
                String text = current.scrub(new String(bytes, StandardCharsets.UTF_8));
                call.fail(response.code(), "upstream_error", "the upstream answered " + response.code(), text);
                finish(call, suppressed);
                passOnHeaders(response, ex);
                ex.getResponseHeaders().set("Content-Type", contentType);
                Http.send(ex, response.code(), text.getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (responseBody == null) {
                throw new IOException("the upstream answered without a body");
            }
            passOnHeaders(response, ex);
            if (stream && contentType.startsWith("text/event-stream")) {
                relay.relay(ex, call, route, responseBody.source(), upstreamCall, clientWantsUsage, suppressed,
                        contentType);
                return;
            }
            byte[] bytes = responseBody.bytes();
            if (route.provider() == ProxyConfig.Provider.ANTHROPIC) {
                bytes = mapper.writeValueAsBytes(Anthropic.response(mapper.readTree(bytes), clock.millis() / 1000));
                contentType = "application/json";
            }
            call.response = bytes;
            // Recorded before the client has its answer, so its next turn finds this one already threaded.
            finish(call, suppressed);
            ex.getResponseHeaders().set("Content-Type", contentType);
            Http.send(ex, 200, bytes);
        } catch (StreamRelay.ClientGone e) {
            upstreamCall.cancel();
            call.fail(499, "client_disconnected", "the client disconnected before the answer was complete;"
                    + " the upstream call was cancelled", null);
            finish(call, suppressed);
            ex.close();
        } catch (IOException e) {
            upstreamFailed(ex, call, current, suppressed, e);
        } finally {
            inFlight.remove(upstreamCall);
        }
    }

    /** Cancels every upstream call in flight (the collector is stopping); their clients get 502 or a cut stream. */
    void cancelAll() {
        inFlight.forEach(Call::cancel);
    }

    private void upstreamFailed(HttpExchange ex, ProxiedCall call, GatewayState current, boolean suppressed,
            IOException e) throws IOException {
        int status;
        String message;
        String base = call.route.apiBase().toString();
        if (e instanceof SocketTimeoutException || (e instanceof InterruptedIOException
                && !(e instanceof java.net.SocketException))) {
            status = 504;
            message = "the upstream " + base + " did not answer in time";
        } else if (e instanceof ConnectException || e instanceof NoRouteToHostException
                || e instanceof UnknownHostException) {
            status = 502;
            message = "the upstream " + base + " cannot be reached: " + current.scrub(String.valueOf(e.getMessage()));
        } else {
            status = 502;
            message = "the upstream " + base + " failed: " + current.scrub(e.toString());
        }
        call.fail(status, "upstream_error", message, null);
        finish(call, suppressed);
        if (call.stream && streamStarted(ex)) {
            // Headers are out: say so in the stream, as OpenAI does, and end it.
            try {
                OutputStream out = ex.getResponseBody();
                out.write(("data: " + new String(Http.openAiError(status, message, null), StandardCharsets.UTF_8)
                        + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException ignored) {
                // the client left too
            }
            ex.close();
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        Http.send(ex, status, Http.openAiError(status, message, null));
    }

    private static boolean streamStarted(HttpExchange ex) {
        return ex.getResponseCode() > 0;
    }

    private void finish(ProxiedCall call, boolean suppressed) {
        if (call.endNanos == 0) {
            call.end(micros(), System.nanoTime());
        }
        if (!suppressed) {
            recorder.record(call);
        }
    }

    private Request upstreamRequest(ProxyConfig.Route route, ObjectNode request, byte[] sent, boolean stream)
            throws IOException {
        Request.Builder b = new Request.Builder().url(urlOf(route));
        byte[] body;
        if (route.provider() == ProxyConfig.Provider.ANTHROPIC) {
            body = mapper.writeValueAsBytes(Anthropic.request(request, route.providerModel(), stream, mapper));
            b.header("anthropic-version", Anthropic.VERSION);
            if (route.apiKey() != null) {
                b.header("x-api-key", route.apiKey());
            }
        } else {
            // Changed in place (the record takes the model from the route and leaves stream_options out).
            request.put("model", route.providerModel());
            if (stream) {
                // Asked for on the client's behalf so the record has the token counts; hidden again if not asked.
                request.withObjectProperty("stream_options").put("include_usage", true);
            }
            // Without stream options to add, only the model changes: the client's bytes go on with it replaced.
            byte[] spliced = stream ? null : ModelSplice.replaceModel(sent, route.providerModel(), mapper.getFactory());
            body = spliced != null ? spliced : mapper.writeValueAsBytes(request);
            if (route.apiKey() != null) {
                b.header("Authorization", "Bearer " + route.apiKey());
            }
        }
        b.header("Accept", stream ? "text/event-stream" : "application/json");
        return b.post(RequestBody.create(body, JSON)).build();
    }

    /** The last route's URL, found by identity: a record's hash over all its fields was a visible cost per call. */
    private volatile @Nullable RouteUrl lastUrl;

    private record RouteUrl(ProxyConfig.Route route, HttpUrl url) {}

    private HttpUrl urlOf(ProxyConfig.Route route) {
        RouteUrl last = lastUrl;
        if (last != null && last.route() == route) {
            return last.url();
        }
        HttpUrl url = urls.computeIfAbsent(route, ChatEndpoint::url);
        lastUrl = new RouteUrl(route, url);
        return url;
    }

    /** Where a route's calls go; parsed once per route rather than per call. */
    private static HttpUrl url(ProxyConfig.Route route) {
        String base = route.apiBase().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (route.provider() == ProxyConfig.Provider.ANTHROPIC) {
            return HttpUrl.get(base.endsWith("/v1") ? base + "/messages" : base + "/v1/messages");
        }
        return HttpUrl.get(base + "/chat/completions");
    }

    /**
     * Passes on the upstream headers clients act on: when to retry, rate limits, the request id support asks for.
     * Nothing else (no cookies, no upstream auth challenges).
     */
    private static void passOnHeaders(Response response, HttpExchange ex) {
        // By index: Headers.names() builds a sorted set on every call.
        okhttp3.Headers headers = response.headers();
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (passedOn(name)) {
                ex.getResponseHeaders().add(name, headers.value(i));
            }
        }
    }

    private static boolean passedOn(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.equals("retry-after") || lower.equals("retry-after-ms") || lower.equals("x-request-id")
                || lower.equals("request-id") || lower.startsWith("x-ratelimit-")
                || lower.startsWith("anthropic-ratelimit-") || lower.equals("openai-processing-ms");
    }

    private static byte[] limited(ResponseBody body) throws IOException {
        BufferedSource source = body.source();
        source.request(MAX_ERROR_BODY);
        long available = Math.min(source.getBuffer().size(), MAX_ERROR_BODY);
        return source.getBuffer().readByteArray(available);
    }

    private static void reject(HttpExchange ex, int status, String message, @Nullable String code) throws IOException {
        Http.json(ex, status, Http.openAiError(status, message, code));
    }

    private static @Nullable String header(HttpExchange ex, String name) {
        String v = ex.getRequestHeaders().getFirst(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private long micros() {
        return StreamRelay.micros(clock);
    }
}
