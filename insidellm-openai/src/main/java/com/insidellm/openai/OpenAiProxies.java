package com.insidellm.openai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.core.RequestOptions;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.services.async.ChatServiceAsync;
import com.openai.services.async.ResponseServiceAsync;
import com.openai.services.async.chat.ChatCompletionServiceAsync;
import com.openai.services.blocking.ChatService;
import com.openai.services.blocking.ResponseService;
import com.openai.services.blocking.chat.ChatCompletionService;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The recording clients: JDK proxies of the SDK's own interfaces, so a wrapped client has the application's type and
 * every method, including those a newer SDK adds, and behaves like the client it wraps.
 *
 * <p>Only model calls are intercepted: {@code chat().completions().create/createStreaming} and
 * {@code responses().create/createStreaming}, blocking and asynchronous. The interfaces' default overloads (without
 * request options, structured outputs) run on the proxy, so they all arrive at the one abstract method that records
 * (the most used, {@code create(params)} and {@code createStreaming(params)}, go there directly);
 * {@code withOptions(...)} and {@code async()} return wrapped clients too. Every other method is forwarded unchanged.
 */
final class OpenAiProxies {

    private OpenAiProxies() {
    }

    static OpenAIClient client(OpenAIClient delegate, OpenAiCalls calls) {
        return proxy(OpenAIClient.class, new Forwarding(delegate) {
            private final Cache chat = new Cache();
            private final Cache responses = new Cache();

            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
                switch (method.getName()) {
                    case "chat":
                        return chat.get(delegate().chat(), d -> chat((ChatService) d, calls));
                    case "responses":
                        return responses.get(delegate().responses(), d -> responses((ResponseService) d, calls));
                    case "async":
                        return async(delegate().async(), calls);
                    case "withOptions":
                        return client((OpenAIClient) forward(method, args), calls);
                    default:
                        return FORWARD;
                }
            }

            private OpenAIClient delegate() {
                return (OpenAIClient) target;
            }
        });
    }

    static OpenAIClientAsync async(OpenAIClientAsync delegate, OpenAiCalls calls) {
        return proxy(OpenAIClientAsync.class, new Forwarding(delegate) {
            private final Cache chat = new Cache();
            private final Cache responses = new Cache();

            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
                OpenAIClientAsync client = (OpenAIClientAsync) target;
                switch (method.getName()) {
                    case "chat":
                        return chat.get(client.chat(), d -> chatAsync((ChatServiceAsync) d, calls));
                    case "responses":
                        return responses.get(client.responses(),
                                d -> responsesAsync((ResponseServiceAsync) d, calls));
                    case "sync":
                        return client(client.sync(), calls);
                    case "withOptions":
                        return async((OpenAIClientAsync) forward(method, args), calls);
                    default:
                        return FORWARD;
                }
            }
        });
    }

    private static ChatService chat(ChatService delegate, OpenAiCalls calls) {
        return proxy(ChatService.class, new Forwarding(delegate) {
            private final Cache completions = new Cache();

            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
                switch (method.getName()) {
                    case "completions":
                        return completions.get(delegate.completions(),
                                d -> completions((ChatCompletionService) d, calls));
                    case "withOptions":
                        return chat((ChatService) forward(method, args), calls);
                    default:
                        return FORWARD;
                }
            }
        });
    }

    private static ChatServiceAsync chatAsync(ChatServiceAsync delegate, OpenAiCalls calls) {
        return proxy(ChatServiceAsync.class, new Forwarding(delegate) {
            private final Cache completions = new Cache();

            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
                switch (method.getName()) {
                    case "completions":
                        return completions.get(delegate.completions(),
                                d -> completionsAsync((ChatCompletionServiceAsync) d, calls));
                    case "withOptions":
                        return chatAsync((ChatServiceAsync) forward(method, args), calls);
                    default:
                        return FORWARD;
                }
            }
        });
    }

    private static ChatCompletionService completions(ChatCompletionService delegate, OpenAiCalls calls) {
        return modelService(ChatCompletionService.class, delegate, ChatCompletionCreateParams.class,
                d -> completions(d, calls), (params, options) -> calls.call(
                        () -> params.model().asString(), () -> ChatCompletions.request(params, false), () -> delegate.create(params, options),
                        ChatCompletions::result),
                (params, options) -> calls.stream(() -> ChatCompletions.request(params, true),
                        () -> delegate.createStreaming(params, options), new ChatCompletions.Accumulator()));
    }

    private static ChatCompletionServiceAsync completionsAsync(ChatCompletionServiceAsync delegate,
            OpenAiCalls calls) {
        return modelService(ChatCompletionServiceAsync.class, delegate, ChatCompletionCreateParams.class,
                d -> completionsAsync(d, calls), (params, options) -> calls.callAsync(
                        () -> params.model().asString(), () -> ChatCompletions.request(params, false), () -> delegate.create(params, options),
                        ChatCompletions::result),
                (params, options) -> calls.streamAsync(() -> ChatCompletions.request(params, true),
                        () -> delegate.createStreaming(params, options), new ChatCompletions.Accumulator()));
    }

    private static ResponseService responses(ResponseService delegate, OpenAiCalls calls) {
        return modelService(ResponseService.class, delegate, ResponseCreateParams.class, d -> responses(d, calls),
                (params, options) -> calls.call(() -> Responses.model(params),
                        () -> Responses.request(params, false),
                        () -> delegate.create(params, options), Responses::result),
                (params, options) -> calls.stream(() -> Responses.request(params, true),
                        () -> delegate.createStreaming(params, options), new Responses.Accumulator()));
    }

    private static ResponseServiceAsync responsesAsync(ResponseServiceAsync delegate, OpenAiCalls calls) {
        return modelService(ResponseServiceAsync.class, delegate, ResponseCreateParams.class,
                d -> responsesAsync(d, calls), (params, options) -> calls.callAsync(
                        () -> Responses.model(params), () -> Responses.request(params, false), () -> delegate.create(params, options),
                        Responses::result),
                (params, options) -> calls.streamAsync(() -> Responses.request(params, true),
                        () -> delegate.createStreaming(params, options), new Responses.Accumulator()));
    }

    /**
     * A service with model calls: its abstract {@code create(params, options)} and
     * {@code createStreaming(params, options)} record; their default overloads run on the proxy and arrive there;
     * {@code withOptions} returns a recording service; everything else is forwarded.
     */
    private static <S, P> S modelService(Class<S> type, S delegate, Class<P> paramsType,
            Function<S, S> rewrap, BiFunction<P, RequestOptions, Object> create,
            BiFunction<P, RequestOptions, Object> createStreaming) {
        return proxy(type, new Forwarding(delegate) {
            @Override
            @Nullable Object intercept(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
                String name = method.getName();
                if (name.equals("withOptions")) {
                    return rewrap.apply(type.cast(forward(method, args)));
                }
                boolean plain = name.equals("create");
                if (!plain && !name.equals("createStreaming")) {
                    return FORWARD;
                }
                if (args != null && args.length == 1 && paramsType.isInstance(args[0])) {
                    // The default create(params) is create(params, RequestOptions.none()) in the SDK: called here
                    // directly, which saves the caller a reflective default-method call and a second proxy hop.
                    P params = paramsType.cast(args[0]);
                    return plain ? create.apply(params, RequestOptions.none())
                            : createStreaming.apply(params, RequestOptions.none());
                }
                if (method.isDefault()) {
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                if (args == null || args.length != 2 || !paramsType.isInstance(args[0])
                        || !(args[1] instanceof RequestOptions options)) {
                    return FORWARD;
                }
                P params = paramsType.cast(args[0]);
                return plain ? create.apply(params, options) : createStreaming.apply(params, options);
            }
        });
    }

    /** Whether {@code client} is a recording client already. */
    static boolean isWrapped(Object client) {
        return Proxy.isProxyClass(client.getClass()) && Proxy.getInvocationHandler(client) instanceof Forwarding;
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** A handler that forwards every call it does not {@linkplain #intercept intercept} to the delegate. */
    private abstract static class Forwarding implements InvocationHandler {
        /** Returned by {@link #intercept} for "not mine, forward it". */
        static final Object FORWARD = new Object();
        final Object target;

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
                    case "toString":
                        return "InsideLlm(" + target + ")";
                    default:
                        return forward(method, args);
                }
            }
            Object result = intercept(proxy, method, args);
            return result == FORWARD ? forward(method, args) : result;
        }

        final @Nullable Object forward(Method method, Object @Nullable [] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** The wrapper of a sub-service, made once per instance the delegate hands out (the SDK's are lazy singletons). */
    private static final class Cache {
        private volatile @Nullable Wrapped last;

        Object get(Object current, Function<Object, Object> wrap) {
            Wrapped w = last;
            if (w != null && w.delegate == current) {
                return w.wrapped;
            }
            w = new Wrapped(current, wrap.apply(current));
            last = w;
            return w.wrapped;
        }

        private record Wrapped(Object delegate, Object wrapped) {
        }
    }
}
