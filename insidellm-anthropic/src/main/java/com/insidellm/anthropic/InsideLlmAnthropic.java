package com.insidellm.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import java.util.Objects;

/**
 * Records every Messages API call of the official Anthropic Java SDK ({@code com.anthropic:anthropic-java}) in one
 * line:
 *
 * <pre>{@code
 * AnthropicClient anthropic = InsideLlmAnthropic.wrap(AnthropicOkHttpClient.fromEnv(), insideLlm);
 * Message answer = anthropic.messages().create(params);   // recorded
 * }</pre>
 *
 * <p>The wrapped client has the same type and behaves exactly like the one it wraps: same results, same exceptions,
 * same streams. Recorded are {@code messages().create} and {@code messages().createStreaming}, blocking and
 * asynchronous: an {@code llm.request} with model, system prompt and messages in the OpenAI chat format (tool uses as
 * {@code tool_calls}, tool results as {@code tool} messages), tools, tool choice and parameters; then an
 * {@code llm.response} with text and tool calls, finish reason, token usage (the prompt counts cache reads and writes;
 * cache reads are the cached tokens), latency, time to first token for streams, and cost; or an {@code error} event
 * with the HTTP status. Every other call (token counting, batches, models, the beta services) passes through
 * untouched.
 *
 * <p>Runs: a call inside an InsideLLM context (a tracker, an annotated method) belongs to that run; any other call is
 * threaded automatically (see {@link ModelCallRecorder}).
 */
public final class InsideLlmAnthropic {

    private InsideLlmAnthropic() {
    }

    /** A recording client for {@code client}, with a new {@link ModelCallRecorder} logging to {@code insideLlm}. */
    public static AnthropicClient wrap(AnthropicClient client, InsideLlmClient insideLlm) {
        return wrap(client, recorder(insideLlm));
    }

    /**
     * A recording client for {@code client}, recording through {@code recorder}: share one recorder between clients
     * to share its settings and conversation threading. Wrapping a wrapped client returns it unchanged.
     */
    public static AnthropicClient wrap(AnthropicClient client, ModelCallRecorder recorder) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(recorder, "recorder");
        return AnthropicProxies.isWrapped(client) ? client : AnthropicProxies.client(client, recorder);
    }

    /** A recording asynchronous client for {@code client}, logging to {@code insideLlm}. */
    public static AnthropicClientAsync wrap(AnthropicClientAsync client, InsideLlmClient insideLlm) {
        return wrap(client, recorder(insideLlm));
    }

    /** A recording asynchronous client for {@code client}, recording through {@code recorder}. */
    public static AnthropicClientAsync wrap(AnthropicClientAsync client, ModelCallRecorder recorder) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(recorder, "recorder");
        return AnthropicProxies.isWrapped(client) ? client : AnthropicProxies.async(client, recorder);
    }

    private static ModelCallRecorder recorder(InsideLlmClient insideLlm) {
        return ModelCallRecorder.builder(Objects.requireNonNull(insideLlm, "insideLlm"))
                .source(AnthropicMessages.PROVIDER).build();
    }
}
