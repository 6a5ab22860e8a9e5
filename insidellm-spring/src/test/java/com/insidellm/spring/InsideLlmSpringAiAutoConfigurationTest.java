package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.modelcall.ModelCallRecorder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class InsideLlmSpringAiAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                    InsideLlmSpringAiAutoConfiguration.class))
            .withBean(RecordingExporter.class, RecordingExporter::new)
            .withBean("chatModel", FixedChatModel.class, FixedChatModel::new)
            .withBean("toolCallingManager", ToolCallingManager.class, () -> ToolCallingManager.builder().build());

    @Test
    void chatModelAndToolCallingManagerRecordWithTheirOwnTypes() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasBean("insideLlmChatClientCustomizer");
            // The class-based proxy keeps the bean injectable by its own class.
            assertThat(context.getBean(FixedChatModel.class)).isNotNull();
            assertThat(InsideLlmSpringAi.isRecorded(context.getBean(ChatModel.class))).isTrue();
            assertThat(context.getBean(ToolCallingManager.class)).isInstanceOf(SpringAiToolCallingManager.class);
        });
    }

    @Test
    void aModelWrappedByHandIsNotWrappedAgain() {
        runner.withBean("handWrapped", ChatModel.class, () -> InsideLlmSpringAi.wrap(new FixedChatModel(),
                ModelCallRecorder.create(com.insidellm.InsideLlmClient.noop())))
                .run(context -> {
                    ChatModel handWrapped = context.getBean("handWrapped", ChatModel.class);
                    // One interceptor: the post-processor left the hand-wrapped proxy as it was.
                    assertThat(((org.springframework.aop.framework.Advised) handWrapped).getAdvisors()).hasSize(1);
                    assertThat(InsideLlmSpringAi.wrap(handWrapped,
                            ModelCallRecorder.create(com.insidellm.InsideLlmClient.noop()))).isSameAs(handWrapped);
                });
    }

    @Test
    void nothingWithoutSpringAi() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                        InsideLlmSpringAiAutoConfiguration.class))
                .withBean(RecordingExporter.class, RecordingExporter::new)
                .withClassLoader(new FilteredClassLoader("org.springframework.ai"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("insideLlmSpringAiPostProcessor")
                        .doesNotHaveBean("insideLlmChatClientCustomizer"));
    }

    @Test
    void withoutChatClientTheModelsStillRecord() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.ai.chat.client"))
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("insideLlmChatClientCustomizer");
                    assertThat(InsideLlmSpringAi.isRecorded(context.getBean(ChatModel.class))).isTrue();
                });
    }

    @Test
    void canBeSwitchedOff() {
        for (String off : List.of("insidellm.spring-ai.enabled=false", "insidellm.enabled=false")) {
            runner.withPropertyValues(off).run(context -> {
                assertThat(context).hasNotFailed().doesNotHaveBean("insideLlmSpringAiPostProcessor")
                        .doesNotHaveBean(ChatClientCustomizer.class);
                assertThat(InsideLlmSpringAi.isRecorded(context.getBean(ChatModel.class))).isFalse();
                assertThat(context.getBean(ToolCallingManager.class))
                        .isNotInstanceOf(SpringAiToolCallingManager.class);
            });
        }
    }

    /** A chat model answering "fixed". */
    static class FixedChatModel implements ChatModel {
        @Override
        public ChatResponse call(Prompt prompt) {
            return new ChatResponse(List.of(new Generation(new AssistantMessage("fixed"))));
        }
    }
}
