package com.insidellm.spring;

import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * What to record for one annotated method, read once from its annotations. Immutable.
 *
 * @param method the annotated (most specific) method
 * @param function {@code SimpleClassName.method}, recorded as the {@code code.function} metadata
 * @param runName the run name when the method is annotated with {@link TrackRun}, else {@code null}
 * @param kind what the call is, or {@code null} when the method is only a {@link TrackRun}
 */
record TrackedMethod(Method method, String function, @Nullable String runName, @Nullable Kind kind, String name,
        String type, String model, String provider, String input, String parameters, String output,
        String userId, boolean captureContent) {

    /** The kinds of calls, one per annotation. */
    enum Kind { LLM, TOOL, STEP, FUNCTION }

    /** Reads the annotations of {@code method}, or returns {@code null} when it has none of ours. */
    static @Nullable TrackedMethod of(Method method, Class<?> targetClass, boolean captureContentDefault) {
        TrackRun run = AnnotatedElementUtils.findMergedAnnotation(method, TrackRun.class);
        TrackLlmCall llm = AnnotatedElementUtils.findMergedAnnotation(method, TrackLlmCall.class);
        TrackToolUse tool = AnnotatedElementUtils.findMergedAnnotation(method, TrackToolUse.class);
        TrackAgentStep step = AnnotatedElementUtils.findMergedAnnotation(method, TrackAgentStep.class);
        TrackFunction function = AnnotatedElementUtils.findMergedAnnotation(method, TrackFunction.class);
        String fn = targetClass.getSimpleName() + "." + method.getName();
        String runName = run == null ? null : or(run.name(), method.getName());
        String runUser = run == null ? "" : run.userId();
        if (llm != null) {
            return new TrackedMethod(method, fn, runName, Kind.LLM, method.getName(), "", or(llm.model(), "unknown"),
                    or(llm.provider(), "unknown"), llm.prompt(), llm.parameters(), llm.response(),
                    or(llm.userId(), runUser), llm.captureContent() && captureContentDefault);
        }
        if (tool != null) {
            return new TrackedMethod(method, fn, runName, Kind.TOOL, or(tool.name(), method.getName()),
                    or(tool.type(), "function"), "", "", "", tool.parameters(), tool.response(),
                    or(tool.userId(), runUser), tool.captureContent() && captureContentDefault);
        }
        if (step != null) {
            return new TrackedMethod(method, fn, runName, Kind.STEP, or(step.value(), method.getName()), "", "", "",
                    "", "", step.steps(), or(step.userId(), runUser), step.captureContent() && captureContentDefault);
        }
        if (function != null) {
            return new TrackedMethod(method, fn, runName, Kind.FUNCTION, or(function.name(), method.getName()), "",
                    "", "", "", function.parameters(), function.response(), or(function.userId(), runUser),
                    function.captureContent() && captureContentDefault);
        }
        if (run != null) {
            return new TrackedMethod(method, fn, runName, null, runName, "", "", "", "", "", "", runUser, false);
        }
        return null;
    }

    private static String or(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
