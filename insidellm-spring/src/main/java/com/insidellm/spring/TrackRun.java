package com.insidellm.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes each call of the annotated method one run (a session, such as one chat request): {@code run.start} when the
 * method is entered, {@code run.end} when it returns or its asynchronous result completes (with exit reason
 * {@code completed} or {@code error}). Everything recorded inside belongs to the run: annotated methods, LangChain4j
 * calls and events logged with {@code InsideLlmContext.current()}.
 *
 * <pre>{@code
 * @TrackRun(userId = "#request.userId")
 * Reply chat(ChatRequest request) { ... }
 * }</pre>
 *
 * <p>A {@code @TrackRun} method called inside another run joins that run instead of starting one. When the method
 * throws, an {@code error} event is recorded and the exception is rethrown unchanged.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TrackRun {

    /** The run's name, recorded as the run metadata {@code run_name}; default: the method name. */
    String name() default "";

    /** SpEL for the run's user id, such as {@code #user.id}; default: the user resolver. */
    String userId() default "";
}
