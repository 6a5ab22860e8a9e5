package com.insidellm.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records each call of the annotated method as an agent reasoning step: one {@code agent.reasoning} event when the
 * method returns (with its duration), or an {@code error} event in its place when it throws; the exception is
 * rethrown unchanged. Events recorded inside the step name it as their parent.
 *
 * <pre>{@code
 * @TrackAgentStep("planning")
 * Plan plan(Task task) { ... }
 * }</pre>
 *
 * <p>See {@link TrackLlmCall} for SpEL variables, asynchronous results, nesting and runs.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TrackAgentStep {

    /** The reasoning type, such as {@code planning} or {@code reflection}; default: the method name. */
    String value() default "";

    /**
     * SpEL for the reasoning steps (a list, or one value), with {@code #result} the return value; default: the
     * return value as one step.
     */
    String steps() default "";

    /** SpEL for the user id; default: the run's user, else the user resolver. */
    String userId() default "";

    /** {@code false} records no steps. */
    boolean captureContent() default true;
}
