package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.ModelCallRecorder;
import java.util.function.Supplier;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Records Spring AI when it is on the classpath, with no code: every {@link ChatModel} bean ({@code call} and
 * {@code stream}: messages, tools offered, options, usage, finish reason, time to first token, errors), the tools
 * Spring AI runs through the {@link ToolCallingManager} bean (as children of the model call), and, when
 * {@code ChatClient} is present, an advisor on every {@code ChatClient.Builder} that makes the chat-memory
 * conversation id the run. Switched off with {@code insidellm.spring-ai.enabled=false} or
 * {@code insidellm.enabled=false}. Works with Spring AI 1.1 (Boot 3.5) and 2.0 (Boot 4).
 *
 * <p>Calls outside a conversation id, a run or an annotated method are threaded into conversations by
 * {@link ModelCallRecorder}. The user id comes from the {@link InsideLlmUserResolver}, else
 * {@code insidellm.default-user-id}.
 */
@AutoConfiguration(after = InsideLlmAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.ai.chat.model.ChatModel")
@ConditionalOnProperty(prefix = "insidellm.spring-ai", name = "enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "insidellm", name = "enabled", matchIfMissing = true)
public class InsideLlmSpringAiAutoConfiguration {

    /**
     * Wraps the chat models and the tool-calling manager as they are created. Static, and the client is looked up
     * lazily, so that registering the post-processor does not create the client early.
     */
    @Bean
    static BeanPostProcessor insideLlmSpringAiPostProcessor(ObjectProvider<InsideLlmClient> client,
            ObjectProvider<InsideLlmUserResolver> userResolver, ObjectProvider<InsideLlmProperties> properties) {
        return new SpringAiPostProcessor(client, users(userResolver, properties));
    }

    static Supplier<String> users(ObjectProvider<InsideLlmUserResolver> userResolver,
            ObjectProvider<InsideLlmProperties> properties) {
        return () -> {
            InsideLlmUserResolver resolver = userResolver.getIfUnique();
            String user = resolver == null ? null : resolver.currentUserId();
            if (user != null && !user.isEmpty()) {
                return user;
            }
            InsideLlmProperties settings = properties.getIfAvailable();
            return settings == null ? ModelCallRecorder.DEFAULT_USER_ID : settings.getDefaultUserId();
        };
    }

    /** The conversation advisor on every {@code ChatClient.Builder} that Spring AI's auto-configuration builds. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.ai.chat.client.ChatClientCustomizer")
    static class ChatClientConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "insideLlmChatClientCustomizer")
        ChatClientCustomizer insideLlmChatClientCustomizer(ObjectProvider<InsideLlmClient> client,
                ObjectProvider<InsideLlmUserResolver> userResolver, ObjectProvider<InsideLlmProperties> properties) {
            SpringAiConversationAdvisor advisor = new SpringAiConversationAdvisor(users(userResolver, properties),
                    client::getIfUnique);
            return (ChatClient.Builder builder) -> builder.defaultAdvisors(advisor);
        }
    }
}
