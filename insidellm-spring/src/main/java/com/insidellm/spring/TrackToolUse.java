package com.insidellm.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records each call of the annotated method as a tool call: a {@code tool.call} event with the arguments when the
 * method is entered, then a {@code tool.response} event (child of the call, same {@code call_id}) with the return
 * value and the execution time. When the method throws, the {@code tool.response} has {@code success = false} and an
 * {@code error} event follows; the exception is rethrown unchanged.
 *
 * <pre>{@code
 * @TrackToolUse(name = "web_search", type = "api")
 * List<Result> search(String query) { ... }
 * }</pre>
 *
 * <p>See {@link TrackLlmCall} for SpEL variables, asynchronous results, nesting and runs.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TrackToolUse {

    /** The tool name; default: the method name. */
    String name() default "";

    /** The tool type, such as {@code api}, {@code function} or {@code retrieval}; default {@code function}. */
    String type() default "function";

    /** SpEL for the parameters (a map, or any value recorded as {@code {"input": value}}); default: all arguments by
     * name. */
    String parameters() default "";

    /** SpEL for the response data, with {@code #result} the return value; default: the return value. */
    String response() default "";

    /** SpEL for the user id; default: the run's user, else the user resolver. */
    String userId() default "";

    /** {@code false} records no parameters or response data. */
    boolean captureContent() default true;
}
