package com.insidellm.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records each call of the annotated method as a call to a language model: an {@code llm.request} event when the
 * method is entered, then an {@code llm.response} event (child of the request) when it returns, or an {@code error}
 * event when it throws. The exception is rethrown unchanged.
 *
 * <pre>{@code
 * @TrackLlmCall(model = "gpt-4o", provider = "openai")
 * String answer(String question) { ... }
 * }</pre>
 *
 * <p>By default the prompt is the single argument (or all arguments, by name) and the response is the return value.
 * SpEL expressions choose otherwise: method parameters are variables ({@code #question}, or {@code #p0}), and
 * {@code #result} is the return value. For methods returning {@code CompletionStage}, {@code Mono} or {@code Flux}
 * the response is recorded when the result completes.
 *
 * <p>Events nested inside the call (another annotated method, a LangChain4j model call) name the request as their
 * parent. Outside a {@link TrackRun run}, the call gets a run of its own.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TrackLlmCall {

    /** The model name, such as {@code gpt-4o}; default {@code unknown}. */
    String model() default "";

    /** The provider, such as {@code openai}; default {@code unknown}. */
    String provider() default "";

    /** SpEL for the prompt, such as {@code #question}; default: the argument(s). */
    String prompt() default "";

    /** SpEL for the request parameters (a map), such as {@code {temperature: #temperature}}; default none. */
    String parameters() default "";

    /** SpEL for the response text, with {@code #result} the return value; default: the return value. */
    String response() default "";

    /** SpEL for the user id, such as {@code #user.id}; default: the run's user, else the user resolver. */
    String userId() default "";

    /** {@code false} records no prompt, parameters or response, only names, timing and errors. */
    boolean captureContent() default true;
}
