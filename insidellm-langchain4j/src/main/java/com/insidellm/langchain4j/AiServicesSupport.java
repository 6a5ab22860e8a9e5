package com.insidellm.langchain4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

    /**
     * {@code BeforeToolExecution.invocationContext()}, looked up once: LangChain4j before 1.12 has no such method
     * (the module compiles and runs against 1.11), and there the tool runs without a parent scope.
     */
    private static final @Nullable MethodHandle INVOCATION_CONTEXT = invocationContextAccessor();

    private static @Nullable MethodHandle invocationContextAccessor() {
        try {
            return MethodHandles.publicLookup().findVirtual(BeforeToolExecution.class, "invocationContext",
                    MethodType.methodType(InvocationContext.class));
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Whether this LangChain4j hands tool hooks their invocation, which tool nesting needs (1.12 and later). */
    static boolean toolHooksSeeTheirInvocation() {
        return INVOCATION_CONTEXT != null;
    }

    private static @Nullable InvocationContext invocationContext(BeforeToolExecution before) {
        if (INVOCATION_CONTEXT == null) {
            return null;
        }
        try {
            return (InvocationContext) INVOCATION_CONTEXT.invoke(before);
        } catch (Throwable e) {
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
