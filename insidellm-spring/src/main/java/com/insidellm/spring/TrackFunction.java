package com.insidellm.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records each call of the annotated method as one {@code function_execution} event, sent when the method returns,
 * with its arguments, return value, duration and success. When the method throws, the event has
 * {@code success = false} and an {@code error} event follows; the exception is rethrown unchanged. Events recorded
 * inside the function name it as their parent.
 *
 * <p>See {@link TrackLlmCall} for SpEL variables, asynchronous results, nesting and runs.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TrackFunction {

    /** The function name; default: the method name. */
    String name() default "";

    /** SpEL for the arguments (a map, or any value recorded as {@code {"input": value}}); default: all arguments by
     * name. */
    String parameters() default "";

    /** SpEL for the return value, with {@code #result} the method's return value; default: the return value. */
    String response() default "";

    /** SpEL for the user id; default: the run's user, else the user resolver. */
    String userId() default "";

    /** {@code false} records no arguments or return value. */
    boolean captureContent() default true;
}
