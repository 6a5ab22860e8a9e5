package com.insidellm.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A streaming chat model that measures time to first token (and, when enabled, records partial answers as
 * {@code llm.streaming_chunk} events) for the {@link InsideLlmChatModelListener} registered on the model it wraps.
 *
 * <p>Why a wrapper: LangChain4j's {@code ChatModelListener} hears a streaming call only when it starts and ends, never
 * its tokens, and the AI-service events have no token event either. The wrapper sees every callback of the response
 * handler and forwards each one unchanged (including callbacks added by LangChain4j versions newer than this module),
 * so cancelling a stream and partial thinking or tool calls keep working.
 *
 * <pre>{@code
 * StreamingChatModel model = InsideLlmStreamingChatModel.wrap(OpenAiStreamingChatModel.builder()
 *         .apiKey(System.getenv("OPENAI_API_KEY")).modelName("gpt-4o-mini")
 *         .listeners(List.of(InsideLlmChatModelListener.create(client)))
 *         .build());
 * }</pre>
 *
 * <p>Calls through {@code chat(ChatRequest, ChatRequestOptions, handler)} (LangChain4j 1.13+) are forwarded without
 * their per-call listener attributes. Thread-safe when the wrapped model is.
 */
public final class InsideLlmStreamingChatModel implements StreamingChatModel {

    private final StreamingChatModel delegate;

    private InsideLlmStreamingChatModel(StreamingChatModel delegate) {
        this.delegate = delegate;
    }

    /** Wraps {@code model}; wrapping an already wrapped model returns it unchanged. */
    public static StreamingChatModel wrap(StreamingChatModel model) {
        Objects.requireNonNull(model, "model");
        return model instanceof InsideLlmStreamingChatModel ? model : new InsideLlmStreamingChatModel(model);
    }

    /** The wrapped model. */
    public StreamingChatModel delegate() {
        return delegate;
    }

    @Override
    public void chat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
        ModelCalls.StreamTiming timing = new ModelCalls.StreamTiming();
        StreamingChatResponseHandler timed = timed(handler, timing);
        // The wrapped model calls its listeners' onRequest on this thread before streaming: that is where the
        // listener takes the timing over and puts it in the call's attributes.
        ModelCalls.NEXT_STREAM.set(timing);
        try {
            delegate.chat(chatRequest, timed);
        } finally {
            ModelCalls.NEXT_STREAM.remove();
        }
    }

    /** Reached through the interface's other default {@code chat} methods: runs the wrapped model's full call. */
    @Override
    public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
        chat(chatRequest, handler);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    /** None: the wrapped model calls its own listeners. */
    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    @Override
    public String toString() {
        return "InsideLlmStreamingChatModel{" + delegate + "}";
    }

    private static StreamingChatResponseHandler timed(StreamingChatResponseHandler handler,
            ModelCalls.StreamTiming timing) {
        Objects.requireNonNull(handler, "handler");
        return (StreamingChatResponseHandler) Proxy.newProxyInstance(
                StreamingChatResponseHandler.class.getClassLoader(), new Class<?>[] {StreamingChatResponseHandler.class},
                (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return objectMethod(proxy, handler, method, args);
                    }
                    if (method.getName().startsWith("onPartial")) {
                        observe(timing, method, args);
                    }
                    try {
                        return method.invoke(handler, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static void observe(ModelCalls.StreamTiming timing, Method method, Object @Nullable [] args) {
        try {
            String text = null;
            if (method.getName().equals("onPartialResponse") && args != null && args.length > 0) {
                // 1.11: onPartialResponse(String); 1.13+: also onPartialResponse(PartialResponse, context).
                Object partial = args[0];
                text = partial instanceof String s ? s : Messages.text(partial);
            }
            timing.onToken(text);
        } catch (RuntimeException e) {
            // Timing is best effort; the callback itself always reaches the handler.
        }
    }

    private static @Nullable Object objectMethod(Object proxy, StreamingChatResponseHandler handler, Method method,
            Object @Nullable [] args) {
        return switch (method.getName()) {
            case "equals" -> args != null && args.length == 1 && proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "Timed(" + handler + ")";
        };
    }
}
