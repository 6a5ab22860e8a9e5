package com.insidellm.anthropic;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientAsync;
import com.anthropic.core.RequestOptions;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.services.async.MessageServiceAsync;
import com.anthropic.services.blocking.MessageService;
import com.insidellm.modelcall.ModelCallRecorder;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The recording clients: JDK proxies of the SDK's own interfaces, so a wrapped client has the application's type and
 * every method, including those a newer SDK adds, and behaves like the client it wraps.
 *
 * <p>Only {@code messages().create} and {@code messages().createStreaming} are intercepted, blocking and
 * asynchronous. Their default overloads (without request options, structured outputs) run on the proxy and so
 * arrive at the one abstract method that records ({@code create(params)} and {@code createStreaming(params)}, the
 * most used, go there directly). Every other method is forwarded unchanged.
 */
final class AnthropicProxies {

    /**
     * What the client's queue counts for a request described off the caller's thread (the SDK's parameters are
     * immutable, so they are read later): a few messages, roughly.
     */
    private static final int REQUEST_BYTES = 4096;

    private AnthropicProxies() {
    }

    static AnthropicClient client(AnthropicClient delegate, ModelCallRecorder recorder) {
        return proxy(AnthropicClient.class, new Forwarding(delegate) {
            private volatile @Nullable Object[] messages;

            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) {
                switch (method.getName()) {
                    case "messages":
                        MessageService current = delegate.messages();
                        Object[] cached = messages;
                        if (cached == null || cached[0] != current) {
                            messages = cached = new Object[] {current, messages(current, recorder)};
                        }
                        return cached[1];
                    case "async":
                        return async(delegate.async(), recorder);
                    default:
                        return FORWARD;
                }
            }
        });
    }

    static AnthropicClientAsync async(AnthropicClientAsync delegate, ModelCallRecorder recorder) {
        return proxy(AnthropicClientAsync.class, new Forwarding(delegate) {
            private volatile @Nullable Object[] messages;

            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) {
                switch (method.getName()) {
                    case "messages":
                        MessageServiceAsync current = delegate.messages();
                        Object[] cached = messages;
                        if (cached == null || cached[0] != current) {
                            messages = cached = new Object[] {current, messagesAsync(current, recorder)};
                        }
                        return cached[1];
                    case "sync":
                        return client(delegate.sync(), recorder);
                    default:
                        return FORWARD;
                }
            }
        });
    }

    private static MessageService messages(MessageService delegate, ModelCallRecorder recorder) {
        return modelService(MessageService.class, delegate,
                (params, options) -> recorder.callLater(() -> params.model().asString(),
                        AnthropicMessages.PROVIDER, REQUEST_BYTES, () -> AnthropicMessages.request(params, false),
                        () -> delegate.create(params, options), AnthropicAnswers::result,
                        AnthropicProxies::status),
                (params, options) -> recorder.stream(() -> AnthropicMessages.request(params, true),
                        () -> delegate.createStreaming(params, options), AnthropicStreams::blocking,
                        AnthropicProxies::status));
    }

    private static MessageServiceAsync messagesAsync(MessageServiceAsync delegate, ModelCallRecorder recorder) {
        return modelService(MessageServiceAsync.class, delegate,
                (params, options) -> recorder.callAsyncLater(() -> params.model().asString(),
                        AnthropicMessages.PROVIDER, REQUEST_BYTES, () -> AnthropicMessages.request(params, false),
                        () -> delegate.create(params, options), AnthropicAnswers::result,
                        AnthropicProxies::status),
                (params, options) -> recorder.stream(() -> AnthropicMessages.request(params, true),
                        () -> delegate.createStreaming(params, options), AnthropicStreams::async,
                        AnthropicProxies::status));
    }

    /**
     * A service whose abstract {@code create(params, options)} and {@code createStreaming(params, options)} record;
     * their default overloads run on the proxy and arrive there; everything else is forwarded.
     */
    private static <S> S modelService(Class<S> type, S delegate,
            BiFunction<MessageCreateParams, RequestOptions, Object> create,
            BiFunction<MessageCreateParams, RequestOptions, Object> createStreaming) {
        return proxy(type, new Forwarding(delegate) {
            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
                String name = method.getName();
                boolean plain = name.equals("create");
                if (!plain && !name.equals("createStreaming")) {
                    return FORWARD;
                }
                if (args != null && args.length == 1 && args[0] instanceof MessageCreateParams params) {
                    // The default create(params) is create(params, RequestOptions.none()) in the SDK: called here
                    // directly, which saves the caller a reflective default-method call and a second proxy hop.
                    return plain ? create.apply(params, RequestOptions.none())
                            : createStreaming.apply(params, RequestOptions.none());
                }
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                if (args == null || args.length != 2 || !(args[0] instanceof MessageCreateParams params)
                        || !(args[1] instanceof RequestOptions options)) {
                    return FORWARD;
                }
                return plain ? create.apply(params, options) : createStreaming.apply(params, options);
            }
        });
    }

    /** The HTTP status of the first Anthropic service exception in the cause chain. */
    static @Nullable Integer status(@Nullable Throwable error) {
        for (int depth = 0; error != null && depth < 16; depth++, error = error.getCause()) {
            if (error instanceof AnthropicServiceException service) {
                return service.statusCode();
            }
        }
        return null;
    }

    /** Whether {@code client} is a recording client already. */
    static boolean isWrapped(Object client) {
        return Proxy.isProxyClass(client.getClass()) && Proxy.getInvocationHandler(client) instanceof Forwarding;
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** A handler that forwards every call it does not {@linkplain #intercept intercept} to the target. */
    private abstract static class Forwarding implements InvocationHandler {
        /** Returned by {@link #intercept} for "not mine, forward it". */
        static final Object FORWARD = new Object();
        private final Object target;

        Forwarding(Object target) {
            this.target = target;
        }

        abstract @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) throws Throwable;

        @Override
        public final @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals":
                        return args != null && proxy == args[0];
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    default:
                        return "InsideLlm(" + target + ")";
                }
            }
            Object result = intercept(proxy, method, args);
            if (result != FORWARD) {
                return result;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
