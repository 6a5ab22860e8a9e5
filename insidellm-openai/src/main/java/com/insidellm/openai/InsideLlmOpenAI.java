package com.insidellm.openai;

import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import java.util.Objects;

/**
 * Records every model call of the official OpenAI Java SDK ({@code com.openai:openai-java}) in one line:
 *
 * <pre>{@code
 * OpenAIClient openAi = InsideLlmOpenAI.wrap(OpenAIOkHttpClient.fromEnv(), insideLlm);
 * ChatCompletion answer = openAi.chat().completions().create(params);   // recorded
 * }</pre>
 *
 * <p>The wrapped client has the same type and behaves exactly like the one it wraps: same results, same exceptions,
 * same streams. Recorded are chat completions ({@code chat().completions().create} and {@code createStreaming}) and
 * the Responses API ({@code responses().create} and {@code createStreaming}), blocking and asynchronous: an
 * {@code llm.request} with model, messages in the OpenAI chat format, tools, tool choice and parameters, then an
 * {@code llm.response} with text, assistant message and tool calls, finish reason, token usage including cached and
 * reasoning tokens, latency, time to first token for streams, and cost; or an {@code error} event with the HTTP
 * status. Every other call (embeddings, files, raw responses, ...) passes through untouched.
 *
 * <p>Streamed usage arrives only when the request asks for it ({@code streamOptions(include_usage)} for chat
 * completions; always for the Responses API); the wrapper never changes a request.
 *
 * <p>Runs: a call inside an InsideLLM context (a tracker, an annotated method) belongs to that run; any other call is
 * threaded automatically, the next turn of a conversation into the run of its first turn (see
 * {@link ModelCallRecorder}).
 */
public final class InsideLlmOpenAI {

    private InsideLlmOpenAI() {
    }

    /** A recording client for {@code client}, with a new {@link ModelCallRecorder} logging to {@code insideLlm}. */
    public static OpenAIClient wrap(OpenAIClient client, InsideLlmClient insideLlm) {
        return wrap(client, recorder(insideLlm));
    }

    /**
     * A recording client for {@code client}, recording through {@code recorder}: share one recorder between clients
     * to share its settings (user id) and conversation threading. Wrapping a wrapped client returns it unchanged.
     */
    public static OpenAIClient wrap(OpenAIClient client, ModelCallRecorder recorder) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(recorder, "recorder");
        return OpenAiProxies.isWrapped(client) ? client : OpenAiProxies.client(client, new OpenAiCalls(recorder));
    }

    /** A recording asynchronous client for {@code client}, logging to {@code insideLlm}. */
    public static OpenAIClientAsync wrap(OpenAIClientAsync client, InsideLlmClient insideLlm) {
        return wrap(client, recorder(insideLlm));
    }

    /** A recording asynchronous client for {@code client}, recording through {@code recorder}. */
    public static OpenAIClientAsync wrap(OpenAIClientAsync client, ModelCallRecorder recorder) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(recorder, "recorder");
        return OpenAiProxies.isWrapped(client) ? client : OpenAiProxies.async(client, new OpenAiCalls(recorder));
    }

    private static ModelCallRecorder recorder(InsideLlmClient insideLlm) {
        return ModelCallRecorder.builder(Objects.requireNonNull(insideLlm, "insideLlm"))
                .source(OpenAiCalls.PROVIDER).build();
    }
}
