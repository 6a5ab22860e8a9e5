package com.insidellm.spring;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;

/**
 * Parses (once) and evaluates the SpEL expressions of the {@code @Track*} annotations. Method parameters are
 * variables by name ({@code #question}) and by position ({@code #p0}, {@code #a0}), {@code #result} is the return
 * value, and {@code @beanName} refers to beans. A broken expression never breaks the application: it is logged once
 * (without argument values) and the default is recorded instead. Thread-safe.
 */
final class TrackingExpressions {

    private static final Logger log = LoggerFactory.getLogger(TrackingExpressions.class);

    private final ExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final Map<String, Expression> parsed = new ConcurrentHashMap<>();
    private final Map<String, Boolean> reported = new ConcurrentHashMap<>();
    private final @Nullable BeanFactory beanFactory;

    TrackingExpressions(@Nullable BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    /** The names of {@code method}'s parameters, {@code arg0}... when not compiled with {@code -parameters}. */
    String[] parameterNames(Method method) {
        String[] names = parameterNames.getParameterNames(method);
        if (names == null) {
            names = new String[method.getParameterCount()];
            for (int i = 0; i < names.length; i++) {
                names[i] = "arg" + i;
            }
        }
        return names;
    }

    /** An evaluation for one call, with the call's arguments. */
    Evaluation evaluation(Method method, @Nullable Object[] args, @Nullable Object target) {
        return new Evaluation(method, args, target);
    }

    /** Evaluates expressions for one method call; creates the evaluation context only when an expression is used. */
    final class Evaluation {
        private final Method method;
        private final @Nullable Object[] args;
        private final @Nullable Object target;
        private @Nullable StandardEvaluationContext context;

        private Evaluation(Method method, @Nullable Object[] args, @Nullable Object target) {
            this.method = method;
            this.args = args;
            this.target = target;
        }

        /** The value of {@code expression}; {@code fallback} when the expression is empty or fails. */
        @Nullable Object value(String expression, @Nullable Object fallback) {
            if (expression.isEmpty()) {
                return fallback;
            }
            try {
                Expression parsedExpression = parsed.computeIfAbsent(expression, parser::parseExpression);
                return parsedExpression.getValue(context());
            } catch (RuntimeException e) {
                if (reported.putIfAbsent(method + expression, Boolean.TRUE) == null) {
                    log.warn("InsideLLM: cannot evaluate '{}' on {}.{}: {} (recording the default instead; "
                            + "reported once)", expression, method.getDeclaringClass().getSimpleName(),
                            method.getName(), e.getClass().getSimpleName());
                }
                log.debug("InsideLLM: expression '{}' failed", expression, e);
                return fallback;
            }
        }

        /** Makes {@code result} available as {@code #result} to the expressions evaluated after this call. */
        void result(@Nullable Object result) {
            context().setVariable("result", result);
        }

        private StandardEvaluationContext context() {
            if (context == null) {
                MethodBasedEvaluationContext created = new MethodBasedEvaluationContext(target, method,
                        args, parameterNames);
                if (beanFactory != null) {
                    created.setBeanResolver(new BeanFactoryResolver(beanFactory));
                }
                context = created;
            }
            return context;
        }
    }
}
