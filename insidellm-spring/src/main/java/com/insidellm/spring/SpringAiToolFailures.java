package com.insidellm.spring;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;

/**
 * Notes the tools that failed while {@link SpringAiToolCallingManager} runs a batch of tool calls. By default Spring AI
 * does not let a tool's exception out of {@code executeToolCalls}: its {@link ToolExecutionExceptionProcessor} turns
 * the exception into the text the model gets as the tool's answer, so the batch looks successful. This decorator of the
 * processor bean keeps what it turned into text, on the thread that runs the batch (Spring AI calls the processor
 * synchronously inside {@code executeToolCalls}), so that the tool's {@code tool.response} says it failed and an
 * {@code error} event records the exception. When the processor rethrows, nothing is noted: the exception leaves
 * {@code executeToolCalls} and is recorded there. Thread-safe.
 */
final class SpringAiToolFailures implements ToolExecutionExceptionProcessor {

    private static final ThreadLocal<@Nullable List<Failure>> NOTED = new ThreadLocal<>();

    private final ToolExecutionExceptionProcessor delegate;

    private SpringAiToolFailures(ToolExecutionExceptionProcessor delegate) {
        this.delegate = delegate;
    }

    /** {@code processor}, noting the failures it turns into answers; a processor already noting is returned as is. */
    static ToolExecutionExceptionProcessor noting(ToolExecutionExceptionProcessor processor) {
        return processor instanceof SpringAiToolFailures ? processor : new SpringAiToolFailures(processor);
    }

    @Override
    public String process(ToolExecutionException exception) {
        String answer = delegate.process(exception);
        List<Failure> noted = NOTED.get();
        if (noted != null) {
            Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
            noted.add(new Failure(exception.getToolDefinition().name(), answer, cause));
        }
        return answer;
    }

    /**
     * Starts noting the failures of the tool calls this thread runs until {@link Batch#close()}. Batches nest (a tool
     * that calls a model that runs tools): the inner one's failures are its own.
     */
    static Batch begin() {
        Batch batch = new Batch(NOTED.get());
        NOTED.set(batch.failures);
        return batch;
    }

    /** One tool that failed, and what the model got as its answer instead. */
    record Failure(String toolName, @Nullable String answer, Throwable cause) {
    }

    /** The failures noted while one {@code executeToolCalls} ran. */
    static final class Batch implements AutoCloseable {
        private final @Nullable List<Failure> outer;
        private final List<Failure> failures = new ArrayList<>(2);

        private Batch(@Nullable List<Failure> outer) {
            this.outer = outer;
        }

        /**
         * Takes the failure of the tool {@code toolName} whose answer was {@code answer}, if one was noted. The answer
         * tells apart two calls of the same tool in one batch of which only one failed.
         */
        @Nullable Failure take(String toolName, @Nullable Object answer) {
            for (Iterator<Failure> it = failures.iterator(); it.hasNext(); ) {
                Failure failure = it.next();
                if (failure.toolName().equals(toolName) && Objects.equals(failure.answer(), answer)) {
                    it.remove();
                    return failure;
                }
            }
            return null;
        }

        @Override
        public void close() {
            if (outer == null) {
                NOTED.remove();
            } else {
                NOTED.set(outer);
            }
        }
    }
}
