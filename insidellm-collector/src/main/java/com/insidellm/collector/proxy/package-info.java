/**
 * The OpenAI-compatible logging gateway on the collector's port: {@code POST /v1/chat/completions} (streaming and
 * not) and {@code GET /v1/models}, routed by model name to OpenAI-compatible, Ollama or native Anthropic upstreams as
 * configured in a dolphin-logger style {@code proxy.json}; every call recorded through the collector's own ingest
 * path, threaded into runs; and the {@code openai-chat} dataset export. Depends on {@code http}, {@code ingest} and
 * {@code store}, never on a store implementation. Internal: not a public API, may change in any release.
 */
@NullMarked
package com.insidellm.collector.proxy;

import org.jspecify.annotations.NullMarked;
