package com.insidellm;

import com.insidellm.internal.IngestAnswer;
import com.insidellm.internal.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import javax.net.SocketFactory;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends batches to the InsideLLM ingestion API ({@code POST {baseUrl}/api/v1/ingest}) over OkHttp, and maps HTTP
 * outcomes to {@link ExportResult}s. {@link #prepare} is called from the client's flusher thread, everything else
 * from its sender thread.
 */
final class HttpExporter implements EventExporter {

    private static final Logger log = LoggerFactory.getLogger(HttpExporter.class);
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_ERROR_BODY = 512;
    /** Most of a 2xx answer read for per-event verdicts (a collector's answer to 10,000 refused events fits). */
    private static final int MAX_ANSWER_BODY = 4 * 1024 * 1024;

    private final OkHttpClient http;
    private final boolean ownsHttpClient;
    private final HttpUrl ingestUrl;
    private final String authorization;
    private final String userAgent;
    private final Clock clock;
    private volatile boolean gzip;
    /** The HTTP status of the last answer, 0 if there was none; read and written by the sender thread only. */
    private int lastStatus;
    private volatile boolean lastAttemptOk = true;
    private volatile @Nullable Call inFlight;

    HttpExporter(@Nullable OkHttpClient userClient, String baseUrl, String apiKey, Duration requestTimeout,
            boolean gzip, Clock clock) {
        HttpUrl base = HttpUrl.parse(baseUrl);
        if (base == null) {
            throw new IllegalArgumentException("baseUrl must be an http or https URL, but was '" + baseUrl + "'");
        }
        this.ingestUrl = base.newBuilder().addPathSegments("api/v1/ingest").build();
        OkHttpClient.Builder builder = userClient == null ? new OkHttpClient.Builder() : userClient.newBuilder();
        if (userClient == null) {
            builder.connectTimeout(Math.min(requestTimeout.toMillis(), 10_000), TimeUnit.MILLISECONDS)
                    .readTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .writeTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .callTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    // Retries are the client's business (with backoff and Retry-After); OkHttp must not replay
                    // a request on its own after a dropped connection.
                    .retryOnConnectionFailure(false)
                    // OkHttp writes a request as headers, then body segments, then reads: with Nagle's algorithm
                    // on, the last small segment waits for the server's delayed ACK (40 ms on Linux) on every
                    // batch, which capped delivery at about 4,000 events/s on loopback.
                    .socketFactory(new NoDelaySocketFactory(SocketFactory.getDefault()));
        }
        this.http = builder.build();
        this.ownsHttpClient = userClient == null;
        this.authorization = "Bearer " + apiKey;
        this.userAgent = "insidellm-java/" + Version.SDK_VERSION;
        this.gzip = gzip;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public ExportResult export(EventBatch batch) {
        boolean compress = gzip;
        ExportResult result = send(batch, compress);
        if (compress && (lastStatus == 400 || lastStatus == 415)) {
            // A backend that reads the body as plain JSON answers a compressed one with 400 ("invalid JSON"), one
            // that knows Content-Encoding but not gzip with 415: either way, plain JSON is what it takes.
            gzip = false;
            log.warn("InsideLLM: {} refused a gzip-compressed request (HTTP {}); sending uncompressed from now on."
                    + " Turn compression off for this backend: gzip(false) / insidellm.gzip / INSIDELLM_GZIP",
                    ingestUrl, lastStatus);
            result = send(batch, false);
        }
        lastAttemptOk = result.isSuccess();
        return result;
    }

    private ExportResult send(EventBatch batch, boolean compress) {
        Request.Builder request = new Request.Builder()
                .url(ingestUrl)
                .header("Authorization", authorization)
                .header("User-Agent", userAgent)
                .post(new BatchBody(batch, compress));
        if (compress) {
            request.header("Content-Encoding", "gzip");
        }
        Call call = http.newCall(request.build());
        inFlight = call;
        lastStatus = 0;
        try (Response response = call.execute()) {
            int code = response.code();
            lastStatus = code;
            if (code >= 200 && code < 300) {
                return ExportResult.partiallyRejected(rejected(response.body(), batch));
            }
            String detail = "HTTP " + code + " from " + ingestUrl + errorBody(response.body());
            switch (code) {
                case 408, 429, 500, 502, 503, 504:
                    return ExportResult.retryable(detail, retryAfter(response.header("Retry-After")));
                case 413:
                    return ExportResult.tooLarge(detail);
                case 400, 422:
                    return ExportResult.invalid(detail);
                case 401, 403:
                    return ExportResult.unauthorized("API key rejected by " + ingestUrl + " (HTTP " + code
                            + "): check INSIDELLM_API_KEY / apiKey(...)");
                default:
                    return ExportResult.rejected(detail);
            }
        } catch (IOException e) {
            return ExportResult.retryable(e.getClass().getSimpleName() + " sending to " + ingestUrl + ": "
                    + e.getMessage(), null);
        } finally {
            inFlight = null;
        }
    }

    /**
     * Compresses {@code batch}'s request body now. The flusher calls this while the previous batch is still being
     * sent, so that compressing (the largest part of the SDK's own work per batch) is off the sending path.
     */
    void prepare(EventBatch batch) {
        if (!gzip || batch.gzippedJsonArray() != null) {
            return;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.min(batch.jsonBytes() / 3 + 64,
                Integer.MAX_VALUE - 8));
        try (OutputStream gz = new FastGzip(out)) {
            batch.writeJsonArray(gz);
        } catch (IOException cannotHappenInMemory) {
            return;
        }
        batch.gzippedJsonArray(out.toByteArray());
    }

    /**
     * Cancels the request in flight, if any (the client shuts its exporters down after its last export, or at once
     * from the closing thread when close() is out of time), and releases the connections.
     */
    @Override
    public ExportResult shutdown(Duration deadline) {
        Call call = inFlight;
        if (call != null) {
            call.cancel();
        }
        close();
        return call == null ? ExportResult.success() : ExportResult.retryable("cancelled a request in flight", null);
    }

    /**
     * The events a 2xx answer refuses one by one: our collector answers {@code {"accepted", "rejected": [{index,
     * event_id, reason}]}}; any other body (the documented backend's, an empty one) refuses nothing.
     */
    private static java.util.List<ExportResult.Rejection> rejected(@Nullable ResponseBody body, EventBatch batch) {
        if (body == null) {
            return java.util.List.of();
        }
        byte[] bytes;
        try (InputStream in = body.byteStream()) {
            bytes = readAnswer(in, body.contentLength());
        } catch (IOException e) {
            // The events were accepted; an answer we cannot read refuses nothing.
            return java.util.List.of();
        }
        java.util.List<String> ids = new java.util.AbstractList<>() {
            @Override
            public String get(int index) {
                return batch.events().get(index).eventId();
            }

            @Override
            public int size() {
                return batch.size();
            }
        };
        return IngestAnswer.rejected(bytes, ids);
    }

    /**
     * At most {@value #MAX_ANSWER_BODY} bytes of an answer whose announced length is {@code length} (-1 when
     * unknown). An answer of known length is read into an array of that length: {@code readNBytes(MAX_ANSWER_BODY)}
     * starts with an 8 KB buffer, which for the usual answer of a few bytes was most of what the sender allocated
     * per batch. A body longer than announced (an interceptor rewrote it) is still read on, up to the limit.
     */
    static byte[] readAnswer(InputStream in, long length) throws IOException {
        if (length < 0 || length >= MAX_ANSWER_BODY) {
            return in.readNBytes(MAX_ANSWER_BODY);
        }
        byte[] announced = in.readNBytes((int) length);
        int next = announced.length < length ? -1 : in.read();
        if (next < 0) {
            return announced;
        }
        byte[] rest = in.readNBytes(MAX_ANSWER_BODY - announced.length - 1);
        byte[] all = java.util.Arrays.copyOf(announced, announced.length + 1 + rest.length);
        all[announced.length] = (byte) next;
        System.arraycopy(rest, 0, all, announced.length + 1, rest.length);
        return all;
    }

    private static String errorBody(@Nullable ResponseBody body) {
        if (body == null) {
            return "";
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : ": " + text.replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "";
        }
    }

    /** Parses {@code Retry-After} as delta-seconds or an HTTP date. */
    @Nullable Duration retryAfter(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime date = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), date.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    @Override
    public boolean isHealthy() {
        return lastAttemptOk;
    }

    @Override
    public void close() {
        if (ownsHttpClient) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    @Override
    public String toString() {
        // Never include the Authorization header.
        return "HttpExporter{" + ingestUrl + "}";
    }

    /** Creates sockets with {@code TCP_NODELAY} on; OkHttp only ever calls the unconnected {@link #createSocket()}. */
    static final class NoDelaySocketFactory extends SocketFactory {
        private final SocketFactory delegate;

        NoDelaySocketFactory(SocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(address, port, localAddress, localPort));
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }
    }

    /**
     * gzip at {@link Deflater#BEST_SPEED}. On varied ~1 KB LLM texts the default level cost ~50 us of flusher CPU per
     * event, fifteen times the cost of serialising it, and capped delivery at ~17,000 events/s; level 1 costs a
     * quarter of that for bodies ~20% larger (still under a third of the JSON). Measured with the benchmarks module.
     */
    private static final class FastGzip extends GZIPOutputStream {
        FastGzip(OutputStream out) throws IOException {
            super(out, 8192);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }

    private static final class BatchBody extends RequestBody {
        private final EventBatch batch;
        private final boolean gzip;

        BatchBody(EventBatch batch, boolean gzip) {
            this.batch = batch;
            this.gzip = gzip;
        }

        @Override
        public MediaType contentType() {
            return JSON;
        }

        @Override
        public long contentLength() {
            if (gzip) {
                byte[] compressed = batch.gzippedJsonArray();
                return compressed == null ? -1 : compressed.length;
            }
            return batch.jsonBytes() + batch.size() + 1;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            byte[] compressed = gzip ? batch.gzippedJsonArray() : null;
            if (compressed != null) {
                sink.write(compressed);
            } else if (gzip) {
                // Closing the gzip stream releases its native Deflater; the shield keeps OkHttp's sink open.
                OutputStream shield = new java.io.FilterOutputStream(sink.outputStream()) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                };
                try (OutputStream out = new FastGzip(shield)) {
                    batch.writeJsonArray(out);
                }
            } else {
                OutputStream out = sink.outputStream();
                batch.writeJsonArray(out);
                out.flush();
            }
        }
    }
}
