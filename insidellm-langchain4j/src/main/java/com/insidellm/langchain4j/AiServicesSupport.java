package com.insidellm.langchain4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Everything that touches the {@code dev.langchain4j:langchain4j} artifact (AiServices and its tool hooks), kept
 * apart so that recording plain models needs only {@code langchain4j-core} on the class path.
 */
final class AiServicesSupport {

    private AiServicesSupport() {
    }

    static <T> AiServices<T> register(InsideLlmLangChain4j insideLlm, AiServices<T> aiServices) {
        aiServices.registerListeners(insideLlm.aiServiceListeners());
        aiServices.beforeToolExecution(beforeToolExecution(insideLlm.recorder()));
        aiServices.afterToolExecution(afterToolExecution(insideLlm.recorder()));
        return aiServices;
    }

    static Consumer<BeforeToolExecution> beforeToolExecution(Recorder recorder) {
        return before -> {
            if (before != null && before.request() != null) {
                recorder.beforeTool(before.request(), invocationContext(before));
            }
        };
    }

    static Consumer<ToolExecution> afterToolExecution(Recorder recorder) {
        return execution -> {
            if (execution != null && execution.request() != null) {
                recorder.afterTool(execution.request(), result(execution), execution.hasFailed());
            }
        };
    }

    private static @Nullable InvocationContext invocationContext(BeforeToolExecution before) {
        try {
            return before.invocationContext();
        } catch (LinkageError e) {
            // A version whose hook has no invocation context: the tool runs without a parent scope.
            return null;
        }
    }

    private static @Nullable String result(ToolExecution execution) {
        try {
            return execution.result();
        } catch (RuntimeException e) {
            // 1.13+: a multi-part result has no single text.
            return null;
        }
    }
}
