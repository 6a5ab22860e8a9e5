package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.InsideLlmClient;
import com.insidellm.langchain4j.InsideLlmChatModelListener;
import com.insidellm.langchain4j.InsideLlmLangChain4j;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class InsideLlmLangChain4jAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                    InsideLlmLangChain4jAutoConfiguration.class))
            .withBean(RecordingExporter.class, RecordingExporter::new);

    @Test
    void chatModelListenerBeanForLangChain4jStartersToPickUp() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(InsideLlmLangChain4j.class);
            assertThat(context.getBeansOfType(ChatModelListener.class)).containsOnlyKeys("insideLlmChatModelListener");
            assertThat(context.getBean(ChatModelListener.class))
                    .isSameAs(context.getBean(InsideLlmLangChain4j.class).chatModelListener());
        });
    }

    @Test
    void userBeansWin() {
        runner.withBean("myIntegration", InsideLlmLangChain4j.class,
                () -> InsideLlmLangChain4j.create(InsideLlmClient.noop()))
                .withBean("myListener", InsideLlmChatModelListener.class,
                        () -> InsideLlmChatModelListener.create(InsideLlmClient.noop()))
                .run(context -> {
                    assertThat(context).getBeans(InsideLlmLangChain4j.class).containsOnlyKeys("myIntegration");
                    assertThat(context).getBeans(ChatModelListener.class).containsOnlyKeys("myListener");
                });
    }

    @Test
    void nothingWithoutLangChain4j() {
        runner.withClassLoader(new FilteredClassLoader("dev.langchain4j"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("insideLlmChatModelListener")
                        .doesNotHaveBean("insideLlmLangChain4j"));
    }

    @Test
    void nothingWithoutTheInsideLlmLangChain4jModule() {
        runner.withClassLoader(new FilteredClassLoader("com.insidellm.langchain4j"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("insideLlmChatModelListener"));
    }

    @Test
    void modelsOnlyClasspathStillGetsTheListener() {
        runner.withClassLoader(new FilteredClassLoader("dev.langchain4j.service"))
                .run(context -> assertThat(context).hasNotFailed().hasBean("insideLlmChatModelListener"));
    }

    @Test
    void canBeSwitchedOff() {
        runner.withPropertyValues("insidellm.langchain4j.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("insideLlmChatModelListener"));
        runner.withPropertyValues("insidellm.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("insideLlmChatModelListener")
                        .doesNotHaveBean(InsideLlmLangChain4j.class));
    }
}
