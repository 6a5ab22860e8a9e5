/**
 * InsideLLM events as OpenTelemetry spans: {@link com.insidellm.opentelemetry.OpenTelemetryExporter} turns each run
 * into a trace following the OpenTelemetry GenAI semantic conventions, on the application's own
 * {@code OpenTelemetry} or on an OTLP endpoint of its own.
 */
@NullMarked
package com.insidellm.opentelemetry;

import org.jspecify.annotations.NullMarked;
