package com.insidellm.spring;

import com.insidellm.CallRecorder;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private volatile @Nullable CallRecorder recorder;

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
        CallRecorder recorder = recorder();
        if (!recorder.recording()) {
            return invocation.proceed();
        }
        TrackedCall call = null;
        try {
            TrackedMethod tracked = tracked(invocation);
            if (tracked != null) {
                call = begin(recorder, tracked, invocation);
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

    private CallRecorder recorder() {
        CallRecorder resolved = recorder;
        if (resolved == null) {
            InsideLlmClient client;
            try {
                client = Objects.requireNonNull(clientSupplier.get(), "client");
            } catch (RuntimeException e) {
                // Recording must never break the application: without a usable client, record nothing.
                log.warn("InsideLLM: no usable InsideLlmClient bean; annotated methods are not recorded", e);
                client = InsideLlmClient.noop();
            }
            resolved = CallRecorder.of(client);
            recorder = resolved;
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

    private TrackedCall begin(CallRecorder recorder, TrackedMethod tracked, MethodInvocation invocation) {
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
            runId = recorder.client().startRun(null, userId, Map.of("run_name", runName));
            ownsRun = true;
        }
        InsideLlmContext where = InsideLlmContext.of(runId, userId)
                .withParent(current == null ? null : current.parentEventId());
        TrackedCall call = new TrackedCall(recorder, tracked, evaluation,
                expressions.parameterNames(tracked.method()), invocation.getArguments(), where, ownsRun);
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
