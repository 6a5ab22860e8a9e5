package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.ai.chat.client.advisor.api.Advisor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;

/**
 * Records Spring AI by hand, for chat models the Spring Boot starter does not see (built outside the application
 * context). The starter does the same for every {@link ChatModel}, {@link ToolCallingManager} and
 * {@link ToolExecutionExceptionProcessor} bean and every {@code ChatClient.Builder}; wrapping what is already recorded
 * returns it unchanged, so nothing is recorded twice.
 *
 * <pre>{@code
 * ModelCallRecorder recorder = ModelCallRecorder.builder(client).source("spring-ai").build();
 * ChatModel recorded = InsideLlmSpringAi.wrap(chatModel, recorder);
 * }</pre>
 *
 * <p>Thread-safe (no state).
 */
public final class InsideLlmSpringAi {

    /** The run type of the runs recorded calls start: {@value}. */
    public static final String SOURCE = "spring-ai";

    private InsideLlmSpringAi() {
    }

    /**
     * A chat model of the same class as {@code model} (a class-based proxy) that records {@code call} and
     * {@code stream} through {@code recorder}; {@code model} itself when it is already recorded.
     */
    public static ChatModel wrap(ChatModel model, ModelCallRecorder recorder) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(recorder, "recorder");
        return SpringAiChatModelInterceptor.wrap(model, recorder);
    }

    /**
     * A tool-calling manager that records the tools it runs as {@code tool.call} and {@code tool.response} events
     * under the model call running them; {@code manager} itself when it is already recorded.
     */
    public static ToolCallingManager wrap(ToolCallingManager manager, InsideLlmClient client) {
        Objects.requireNonNull(manager, "manager");
        Objects.requireNonNull(client, "client");
        return manager instanceof SpringAiToolCallingManager ? manager : new SpringAiToolCallingManager(manager, client);
    }

    /**
     * An exception processor that lets a recorded {@link ToolCallingManager} see the tool failures {@code processor}
     * turns into answers for the model (Spring AI's default), so they are recorded as failures ({@code tool.response}
     * with {@code success: false} and an {@code error} event) instead of as results; {@code processor} itself when it
     * already does. Give it to the manager you wrap:
     * {@code ToolCallingManager.builder().toolExecutionExceptionProcessor(InsideLlmSpringAi.wrap(processor))}.
     */
    public static ToolExecutionExceptionProcessor wrap(ToolExecutionExceptionProcessor processor) {
        return SpringAiToolFailures.noting(Objects.requireNonNull(processor, "processor"));
    }

    /**
     * The {@code ChatClient} advisor that makes the chat-memory conversation id the run of a request's calls, the
     * user coming from {@code userId}; the run's start is recorded to {@code client}.
     */
    public static Advisor conversationAdvisor(InsideLlmClient client, Supplier<String> userId) {
        Objects.requireNonNull(client, "client");
        return new SpringAiConversationAdvisor(Objects.requireNonNull(userId, "userId"), () -> client);
    }

    /** Whether {@code bean} is a chat model that already records. */
    static boolean isRecorded(Object bean) {
        return SpringAiChatModelInterceptor.isRecorded(bean) || bean instanceof SpringAiToolCallingManager
                || bean instanceof SpringAiToolFailures;
    }
}
