package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps {@link ChatModel} and {@link ToolCallingManager} beans so that they record, and
 * {@link ToolExecutionExceptionProcessor} beans so that the tool failures they turn into answers are recorded as
 * failures (Spring AI's auto-configuration builds its manager with that bean). Beans that already record (wrapped
 * by hand with {@link InsideLlmSpringAi}) are left as they are. Without a single {@link InsideLlmClient} bean nothing
 * is wrapped. Thread-safe.
 */
final class SpringAiPostProcessor implements BeanPostProcessor, DisposableBean {

    private final ObjectProvider<InsideLlmClient> client;
    private final Supplier<String> userId;
    private final Object lock = new Object();
    private @Nullable ModelCallRecorder recorder;

    SpringAiPostProcessor(ObjectProvider<InsideLlmClient> client, Supplier<String> userId) {
        this.client = client;
        this.userId = userId;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ChatModel model && !InsideLlmSpringAi.isRecorded(bean)) {
            ModelCallRecorder calls = recorder();
            return calls == null ? bean : InsideLlmSpringAi.wrap(model, calls);
        }
        if (bean instanceof ToolCallingManager manager && !InsideLlmSpringAi.isRecorded(bean)) {
            InsideLlmClient events = client.getIfUnique();
            return events == null ? bean : InsideLlmSpringAi.wrap(manager, events);
        }
        if (bean instanceof ToolExecutionExceptionProcessor processor && !InsideLlmSpringAi.isRecorded(bean)
                && client.getIfUnique() != null) {
            return InsideLlmSpringAi.wrap(processor);
        }
        return bean;
    }

    private @Nullable ModelCallRecorder recorder() {
        synchronized (lock) {
            if (recorder == null) {
                InsideLlmClient events = client.getIfUnique();
                if (events != null) {
                    recorder = ModelCallRecorder.builder(events).source(InsideLlmSpringAi.SOURCE).userId(userId)
                            .build();
                }
            }
            return recorder;
        }
    }

    @Override
    public void destroy() {
        synchronized (lock) {
            if (recorder != null) {
                recorder.close();
            }
        }
    }
}
