package com.insidellm.opentelemetry;

/**
 * Which attribute names the spans carry besides the OpenTelemetry GenAI semantic conventions, for backends that read
 * their own names first. Every dialect includes the GenAI names.
 */
public enum Dialect {
    /** The OpenTelemetry GenAI semantic conventions only ({@code gen_ai.*}); Jaeger, Tempo, Datadog, Honeycomb. */
    GEN_AI,
    /**
     * Adds Langfuse's names ({@code langfuse.observation.type}, {@code .model.name}, {@code .usage_details},
     * {@code .cost_details}, {@code .completion_start_time}, {@code .input}/{@code .output}, {@code langfuse.user.id},
     * {@code langfuse.session.id}, ...).
     */
    LANGFUSE,
    /**
     * Adds OpenInference's names, read by Arize Phoenix ({@code openinference.span.kind}, {@code llm.model_name},
     * {@code llm.token_count.*}, {@code llm.cost.total}, {@code llm.input_messages.*}, {@code input.value},
     * {@code session.id}, ...).
     */
    OPENINFERENCE
}
