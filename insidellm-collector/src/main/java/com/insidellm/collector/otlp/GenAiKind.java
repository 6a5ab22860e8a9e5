package com.insidellm.collector.otlp;

import java.util.Set;

/**
 * What a span is to the receiver, from its GenAI operation name, OpenInference span kind or Spring AI kind (and, for
 * older instrumentations without any of them, a model or provider attribute). {@link #OTHER} spans are not GenAI.
 */
enum GenAiKind {
    /** A model call: chat, completion, embeddings. */
    LLM,
    /** A tool execution. */
    TOOL,
    /** A retrieval (or reranking). */
    RETRIEVAL,
    /** An agent, workflow or other GenAI span around calls. */
    CHAIN,
    /** Not a GenAI span. */
    OTHER;

    // Operation and kind values.
    private static final Set<String> LLM_OPERATIONS = Set.of("chat", "text_completion", "generate_content",
            "embeddings", "completion");
    private static final Set<String> OI_LLM_KINDS = Set.of("LLM", "EMBEDDING");
    private static final Set<String> OI_RETRIEVAL_KINDS = Set.of("RETRIEVER", "RERANKER");

    /** The kind of {@code s}. */
    static GenAiKind of(OtlpSpan s) {
        String op = SpanAttributes.str(s.attr("gen_ai.operation.name"));
        String oi = SpanAttributes.str(s.attr("openinference.span.kind"));
        String spring = SpanAttributes.str(s.attr("spring.ai.kind"));
        if (op != null && LLM_OPERATIONS.contains(op) || oi != null && OI_LLM_KINDS.contains(oi)) {
            return LLM;
        }
        if ("execute_tool".equals(op) || "TOOL".equals(oi) || "tool_call".equals(spring)) {
            return TOOL;
        }
        if ("retrieval".equals(op) || oi != null && OI_RETRIEVAL_KINDS.contains(oi) || "vector_store".equals(spring)) {
            return RETRIEVAL;
        }
        if (op != null || oi != null || spring != null) {
            return CHAIN;
        }
        if (s.attr("gen_ai.request.model") != null || s.attr("llm.model_name") != null) {
            return LLM; // older instrumentations without an operation name
        }
        if (s.attr("gen_ai.system") != null || s.attr("gen_ai.provider.name") != null) {
            return CHAIN;
        }
        return OTHER;
    }
}
