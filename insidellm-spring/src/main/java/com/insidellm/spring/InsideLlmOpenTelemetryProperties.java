package com.insidellm.spring;

import com.insidellm.opentelemetry.Dialect;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code insidellm.opentelemetry.*} properties: how events are sent to the application's OpenTelemetry as GenAI
 * spans (with {@code insidellm-opentelemetry} on the classpath and an {@code OpenTelemetry} bean). Bound once at
 * startup.
 */
@ConfigurationProperties(prefix = "insidellm.opentelemetry")
public class InsideLlmOpenTelemetryProperties {

    /** Whether events are also sent as spans to the application's OpenTelemetry. */
    private boolean enabled = true;

    /**
     * Whether prompts, responses, tool arguments and results go on the spans. Default off, unless
     * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is true.
     */
    private @Nullable Boolean captureContent;

    /** The attribute names added for a backend besides the GenAI conventions: GEN_AI, LANGFUSE or OPENINFERENCE. */
    private Dialect dialect = Dialect.GEN_AI;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable Boolean getCaptureContent() {
        return captureContent;
    }

    public void setCaptureContent(@Nullable Boolean captureContent) {
        this.captureContent = captureContent;
    }

    public Dialect getDialect() {
        return dialect;
    }

    public void setDialect(Dialect dialect) {
        this.dialect = dialect;
    }
}
