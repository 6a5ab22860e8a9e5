package com.insidellm.spring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Closes a {@link TrackedCall} when a {@code Mono} or {@code Flux} result completes rather than when the method
 * returns. Loaded only when Reactor is on the classpath.
 */
final class ReactorSupport {

    private ReactorSupport() {
    }

    static boolean isReactive(Object result) {
        return result instanceof Mono<?> || result instanceof Flux<?>;
    }

    /**
     * The result with callbacks that close {@code call}: a {@code Mono}'s value, or the list of a {@code Flux}'s
     * elements (bounded; a stream of strings is recorded as their concatenation).
     */
    static Object decorate(Object result, TrackedCall call) {
        if (result instanceof Mono<?> mono) {
            return mono.doOnSuccess(call::succeeded).doOnError(call::failed).doOnCancel(call::cancelled);
        }
        Flux<?> flux = (Flux<?>) result;
        return Flux.defer(() -> {
            List<Object> elements = Collections.synchronizedList(new ArrayList<>());
            return flux.doOnNext(element -> {
                if (elements.size() < ContentRenderer.MAX_ELEMENTS) {
                    elements.add(element);
                }
            }).doOnComplete(() -> call.succeeded(List.copyOf(elements))).doOnError(call::failed)
                    .doOnCancel(call::cancelled);
        });
    }
}
