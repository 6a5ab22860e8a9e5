package com.insidellm.langchain4j;

import com.insidellm.InsideLlmClient;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import java.util.Objects;

/**
 * A LangChain4j {@link ChatModelListener} that records every call of a chat model, synchronous or streaming:
 * {@code llm.request} (model, provider, the messages in the OpenAI chat format, tools, tool choice, parameters),
 * {@code llm.response} (text and message with tool calls, finish reason, token usage with cached and reasoning tokens
 * where the provider reports them, latency, response id and model) and {@code error} (exception type and message,
 * HTTP status where known), each response or error linked to its request.
 *
 * <pre>{@code
 * ChatModel model = OpenAiChatModel.builder()
 *         .apiKey(System.getenv("OPENAI_API_KEY")).modelName("gpt-4o-mini")
 *         .listeners(List.of(InsideLlmChatModelListener.create(client)))
 *         .build();
 * }</pre>
 *
 * <p>Calls made without an InsideLLM run are grouped into conversations automatically (see
 * {@link InsideLlmLangChain4j}). The listener never throws into LangChain4j: whatever it cannot record is logged at
 * DEBUG and skipped. Thread-safe; one instance may serve any number of models.
 */
public final class InsideLlmChatModelListener implements ChatModelListener {

    private final Recorder recorder;

    InsideLlmChatModelListener(Recorder recorder) {
        this.recorder = recorder;
    }

    /**
     * A listener with default settings, recording to {@code client}. To share settings and conversation threading
     * with AI services, use {@link InsideLlmLangChain4j#chatModelListener()} instead; that is also the way to end the
     * runs it starts when the application stops ({@link InsideLlmLangChain4j#close()}) — this one's end only when
     * idle.
     */
    public static InsideLlmChatModelListener create(InsideLlmClient client) {
        return InsideLlmLangChain4j.create(Objects.requireNonNull(client, "client")).chatModelListener();
    }

    /** Records the request; called by LangChain4j before each call. */
    @Override
    public void onRequest(ChatModelRequestContext requestContext) {
        recorder.onRequest(requestContext);
    }

    /** Records the response; called by LangChain4j after each successful call. */
    @Override
    public void onResponse(ChatModelResponseContext responseContext) {
        recorder.onResponse(responseContext);
    }

    /** Records the failure; called by LangChain4j when a call fails (after the model's own retries). */
    @Override
    public void onError(ChatModelErrorContext errorContext) {
        recorder.onError(errorContext);
    }
}
