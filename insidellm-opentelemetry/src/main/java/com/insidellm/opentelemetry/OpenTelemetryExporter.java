package com.insidellm.opentelemetry;

import com.insidellm.Event;
import com.insidellm.EventBatch;
import com.insidellm.EventExporter;
import com.insidellm.ExportResult;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventExporter} that turns InsideLLM events into OpenTelemetry spans following the GenAI semantic
 * conventions, so every run also appears in Jaeger, Grafana Tempo, Datadog, Honeycomb, Langfuse or Arize Phoenix.
 *
 * <pre>{@code
 * InsideLlmClient client = InsideLlmClient.builder()
 *     .addExporter(OpenTelemetryExporter.builder().openTelemetry(openTelemetry).build())
 *     .build();
 * }</pre>
 *
 * <p>A run becomes a trace whose root span ({@code invoke_agent}) lasts from {@code run.start} to {@code run.end}; a
 * request and its response become one span with the request's time as start and the response's as end
 * ({@code chat gpt-4o}, {@code execute_tool get_weather}, {@code invoke_agent SupportAssistant}, {@code retrieval});
 * parent links become the span tree; single events (user input, feedback, metrics, errors) become span events on the
 * span of the event they belong to. Prompts, responses, tool arguments and results are written only when
 * {@link Builder#captureContent(boolean) content capture} is on, as the conventions require.
 *
 * <p>Spans go through the application's own {@link OpenTelemetry} (so wherever its SDK exports), or, with
 * {@link Builder#otlpEndpoint(String)}, through an SDK of this exporter's own to an OTLP/HTTP endpoint (that mode
 * needs {@code opentelemetry-sdk}, {@code opentelemetry-exporter-otlp} and {@code opentelemetry-exporter-sender-jdk}
 * on the classpath). Thread-safe; the client calls {@link #export} from its sender thread.
 */
public final class OpenTelemetryExporter implements EventExporter {

    /** The instrumentation scope name of the spans: {@value}. */
    public static final String INSTRUMENTATION_NAME = "com.insidellm.opentelemetry";
    /** The standalone mode's default {@code service.name}: {@value}. */
    public static final String DEFAULT_SERVICE_NAME = "insidellm";
    /** The environment variable the conventions name for opting in to content capture: {@value}. */
    public static final String CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

    /** How long {@link #flush()} and {@link #close()} wait for the SDK. */
    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(OpenTelemetryExporter.class);
    /** Whether the OpenTelemetry SDK is on the classpath; the API alone never loads {@link StandaloneSdk}. */
    private static final boolean SDK_PRESENT = present("io.opentelemetry.sdk.OpenTelemetrySdk");

    private final Object lock = new Object();
    private final SpanTree tree;
    private final @Nullable StandaloneSdk standalone;
    private final @Nullable OpenTelemetry openTelemetry;
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closed;

    private OpenTelemetryExporter(Builder b) {
        if (b.otlpEndpoint != null) {
            this.standalone = StandaloneSdk.create(b.otlpEndpoint, b.headers, b.serviceName);
            this.openTelemetry = null;
            this.tree = new SpanTree(standalone.tracer(), b.dialect, b.captureContent);
        } else {
            this.standalone = null;
            this.openTelemetry = Objects.requireNonNull(b.openTelemetry);
            this.tree = new SpanTree(tracer(openTelemetry), b.dialect, b.captureContent);
        }
    }

    /** The tracer of this module's instrumentation scope, versioned by the jar's manifest when there is one. */
    static Tracer tracer(OpenTelemetry openTelemetry) {
        TracerBuilder builder = openTelemetry.getTracerProvider().tracerBuilder(INSTRUMENTATION_NAME);
        String version = OpenTelemetryExporter.class.getPackage().getImplementationVersion();
        if (version != null) {
            builder.setInstrumentationVersion(version);
        }
        return builder.build();
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, OpenTelemetryExporter.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Returns a builder; give it {@link Builder#openTelemetry} or {@link Builder#otlpEndpoint}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ExportResult export(EventBatch batch) {
        if (closed) {
            return ExportResult.success();
        }
        synchronized (lock) {
            for (Event event : batch.events()) {
                try {
                    tree.accept(event);
                } catch (RuntimeException e) {
                    // One event that cannot be mapped must not cost the rest of the batch (or the other exporters).
                    failed.incrementAndGet();
                    LOG.debug("could not turn {} into a span", event, e);
                }
            }
        }
        return ExportResult.success();
    }

    /**
     * Hands the spans ended so far to the OpenTelemetry SDK's exporter and waits for it: the standalone SDK, or the
     * application's when it is an {@code OpenTelemetrySdk}. Spans of runs still open are not ended by this.
     */
    @Override
    public ExportResult flush() {
        boolean done = true;
        if (standalone != null) {
            done = standalone.flush(FLUSH_TIMEOUT);
        } else if (openTelemetry != null && SDK_PRESENT) {
            done = StandaloneSdk.flushIfSdk(openTelemetry, FLUSH_TIMEOUT);
        }
        return done ? ExportResult.success()
                : ExportResult.retryable("the OpenTelemetry SDK did not flush within " + FLUSH_TIMEOUT, null);
    }

    /**
     * Ends every span still open (runs without their {@code run.end}, requests without their response) at the last
     * time seen, and delivers them within {@code deadline}: in standalone mode by shutting the SDK down, else by
     * flushing the application's SDK (which stays the application's to shut down). Idempotent.
     */
    @Override
    public ExportResult shutdown(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (closed) {
            return ExportResult.success();
        }
        closed = true;
        synchronized (lock) {
            tree.endAll();
        }
        boolean done = true;
        if (standalone != null) {
            done = standalone.shutdown(deadline);
        } else if (openTelemetry != null && SDK_PRESENT) {
            done = StandaloneSdk.flushIfSdk(openTelemetry, deadline);
        }
        return done ? ExportResult.success()
                : ExportResult.retryable("spans not delivered within " + deadline, null);
    }

    /** {@link #shutdown(Duration) Shuts down} within 10 seconds. */
    @Override
    public void close() {
        shutdown(FLUSH_TIMEOUT);
    }

    @Override
    public String name() {
        return "opentelemetry";
    }

    /** Runs whose root span is open (tests). */
    int openRuns() {
        synchronized (lock) {
            return tree.openRuns();
        }
    }

    /** Events that could not be turned into spans (logged at DEBUG). */
    public long failedEvents() {
        return failed.get();
    }

    /** Builds an {@link OpenTelemetryExporter}. Not thread-safe; setters validate at once. */
    public static final class Builder {
        private @Nullable OpenTelemetry openTelemetry;
        private @Nullable String otlpEndpoint;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String serviceName = DEFAULT_SERVICE_NAME;
        private Dialect dialect = Dialect.GEN_AI;
        private boolean captureContent = Boolean.parseBoolean(System.getenv(CAPTURE_CONTENT_ENV));

        private Builder() {
        }

        /** Exports through the application's OpenTelemetry (its SDK's processors and exporters). */
        public Builder openTelemetry(OpenTelemetry openTelemetry) {
            this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
            return this;
        }

        /**
         * Exports on its own to an OTLP/HTTP traces endpoint, such as {@code http://localhost:4318/v1/traces}
         * (protobuf, gzip, batched). Takes precedence over {@link #openTelemetry}.
         */
        public Builder otlpEndpoint(String endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
                throw new IllegalArgumentException("otlpEndpoint must be an http:// or https:// URL, but was "
                        + endpoint);
            }
            this.otlpEndpoint = endpoint;
            return this;
        }

        /** Adds a header sent with every OTLP request of the standalone mode (for example an authorization). */
        public Builder otlpHeader(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The standalone mode's {@code service.name}; default {@value #DEFAULT_SERVICE_NAME}. */
        public Builder serviceName(String serviceName) {
            Objects.requireNonNull(serviceName, "serviceName");
            if (serviceName.isBlank()) {
                throw new IllegalArgumentException("serviceName must not be blank");
            }
            this.serviceName = serviceName;
            return this;
        }

        /** The names added for a backend; default {@link Dialect#GEN_AI}. */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * Whether prompts, responses, tool arguments and results are written to spans; default off, unless
         * {@value #CAPTURE_CONTENT_ENV} is {@code true}. (The client's own {@code captureContent(false)} removes
         * content before any exporter sees it.)
         */
        public Builder captureContent(boolean captureContent) {
            this.captureContent = captureContent;
            return this;
        }

        /**
         * Builds the exporter.
         *
         * @throws IllegalStateException if neither an OpenTelemetry nor an OTLP endpoint was given, or the standalone
         *     mode's libraries are missing
         */
        public OpenTelemetryExporter build() {
            if (openTelemetry == null && otlpEndpoint == null) {
                throw new IllegalStateException("give the exporter the application's OpenTelemetry (openTelemetry(...))"
                        + " or an OTLP endpoint (otlpEndpoint(...))");
            }
            if (otlpEndpoint != null && (!SDK_PRESENT
                    || !present("io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter"))) {
                throw new IllegalStateException("otlpEndpoint(...) needs opentelemetry-sdk and "
                        + "opentelemetry-exporter-otlp (with opentelemetry-exporter-sender-jdk) on the classpath; or "
                        + "give the exporter the application's OpenTelemetry with openTelemetry(...)");
            }
            return new OpenTelemetryExporter(this);
        }
    }
}
