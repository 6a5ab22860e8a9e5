package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.util.ClassUtils;

/**
 * Records calls of methods annotated with {@code @Track*}: opens the call's events and context before the method
 * runs, makes the context current while it runs (so nested calls name it as their parent), and closes the events
 * when the method returns, throws, or its asynchronous result completes.
 *
 * <p>Recording never changes what the method does: return values are returned as they are (a {@code Mono} or
 * {@code Flux} is decorated with callbacks), exceptions are rethrown unchanged, and a failure to record is logged at
 * DEBUG and otherwise ignored. Thread-safe.
 */
final class TrackingInterceptor implements MethodInterceptor {

    private static final Logger log = LoggerFactory.getLogger(TrackingInterceptor.class);

    private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
            TrackingInterceptor.class.getClassLoader());

    private final Supplier<InsideLlmClient> clientSupplier;
    private final Supplier<@Nullable InsideLlmUserResolver> userResolver;
    private final Supplier<InsideLlmProperties> properties;
    private final TrackingExpressions expressions;
    private final Map<Object, Optional<TrackedMethod>> methods = new ConcurrentHashMap<>();
    /** Exceptions already recorded by an inner annotated method, so each gets one {@code error} event. */
    private final Map<Throwable, Boolean> recordedErrors = Collections.synchronizedMap(new WeakHashMap<>());
    private volatile @Nullable InsideLlmClient client;

    /**
     * Every collaborator is a supplier, called on the first annotated call: the interceptor is created with the
     * auto-proxy machinery, before ordinary beans such as the client or the properties may be.
     */
    TrackingInterceptor(Supplier<InsideLlmClient> clientSupplier,
            Supplier<@Nullable InsideLlmUserResolver> userResolver, Supplier<InsideLlmProperties> properties,
            TrackingExpressions expressions) {
        this.clientSupplier = clientSupplier;
        this.userResolver = userResolver;
        this.properties = properties;
        this.expressions = expressions;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        InsideLlmClient client = client();
        if (client == InsideLlmClient.noop()) {
            return invocation.proceed();
        }
        TrackedCall call = null;
        try {
            TrackedMethod tracked = tracked(invocation);
            if (tracked != null) {
                call = begin(client, tracked, invocation);
            }
        } catch (RuntimeException e) {
            log.debug("InsideLLM: could not record the start of {}", invocation.getMethod(), e);
        }
        if (call == null) {
            return invocation.proceed();
        }
        Object result;
        try (InsideLlmContext.Scope ignored = call.context().makeCurrent()) {
            result = invocation.proceed();
        } catch (Throwable t) {
            call.failed(t);
            throw t;
        }
        if (result instanceof CompletionStage<?> stage) {
            TrackedCall async = call;
            stage.whenComplete((value, error) -> {
                if (error == null) {
                    async.succeeded(value);
                } else {
                    async.failed(unwrap(error));
                }
            });
            return result;
        }
        if (REACTOR_PRESENT && ReactorSupport.isReactive(result)) {
            return ReactorSupport.decorate(result, call);
        }
        call.succeeded(result);
        return result;
    }

    private InsideLlmClient client() {
        InsideLlmClient resolved = client;
        if (resolved == null) {
            try {
                resolved = Objects.requireNonNull(clientSupplier.get(), "client");
            } catch (RuntimeException e) {
                // Recording must never break the application: without a usable client, record nothing.
                log.warn("InsideLLM: no usable InsideLlmClient bean; annotated methods are not recorded", e);
                resolved = InsideLlmClient.noop();
            }
            client = resolved;
        }
        return resolved;
    }

    private @Nullable TrackedMethod tracked(MethodInvocation invocation) {
        Object target = invocation.getThis();
        Class<?> targetClass = target == null ? invocation.getMethod().getDeclaringClass()
                : AopUtils.getTargetClass(target);
        Method method = invocation.getMethod();
        return methods.computeIfAbsent(new MethodKey(method, targetClass), key -> Optional.ofNullable(
                TrackedMethod.of(AopUtils.getMostSpecificMethod(method, targetClass), targetClass,
                        !Boolean.FALSE.equals(properties.get().getCaptureContent())))).orElse(null);
    }

    private TrackedCall begin(InsideLlmClient client, TrackedMethod tracked, MethodInvocation invocation) {
        TrackingExpressions.Evaluation evaluation = expressions.evaluation(tracked.method(), invocation.getArguments(),
                invocation.getThis());
        InsideLlmContext current = InsideLlmContext.current();
        String explicitUser = text(evaluation.value(tracked.userId(), null));
        String runId;
        String userId;
        boolean ownsRun;
        if (current != null) {
            runId = current.runId();
            userId = explicitUser != null ? explicitUser : current.userId();
            ownsRun = false;
        } else {
            userId = explicitUser != null ? explicitUser : currentUser();
            String runName = tracked.runName() != null ? tracked.runName() : tracked.name();
            runId = client.startRun(null, userId, Map.of("run_name", runName));
            ownsRun = true;
        }
        TrackedCall call = new TrackedCall(client, tracked, evaluation, expressions.parameterNames(tracked.method()),
                invocation.getArguments(), runId, userId, current == null ? null : current.parentEventId(), ownsRun,
                recordedErrors);
        call.open();
        return call;
    }

    private String currentUser() {
        InsideLlmUserResolver resolver = userResolver.get();
        if (resolver != null) {
            try {
                String user = resolver.currentUserId();
                if (user != null && !user.isEmpty()) {
                    return user;
                }
            } catch (RuntimeException e) {
                log.debug("InsideLLM: the user resolver failed; using the default user id", e);
            }
        }
        return properties.get().getDefaultUserId();
    }

    private static @Nullable String text(@Nullable Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString();
        return text.isEmpty() ? null : text;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private record MethodKey(Method method, Class<?> targetClass) {
    }
}
