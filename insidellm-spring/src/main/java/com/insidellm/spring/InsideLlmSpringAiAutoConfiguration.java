package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
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
        return new Users(userResolver, properties);
    }

    /**
     * The user id of a call: the {@link InsideLlmUserResolver} bean's, else {@code insidellm.default-user-id}. The beans
     * are looked up at the first call (after the context started) and kept: this runs on every model call.
     */
    private static final class Users implements Supplier<String> {
        private final ObjectProvider<InsideLlmUserResolver> userResolver;
        private final ObjectProvider<InsideLlmProperties> properties;
        private volatile @Nullable InsideLlmUserResolver resolver;
        private volatile @Nullable String defaultUserId;

        Users(ObjectProvider<InsideLlmUserResolver> userResolver, ObjectProvider<InsideLlmProperties> properties) {
            this.userResolver = userResolver;
            this.properties = properties;
        }

        @Override
        public String get() {
            String fallback = defaultUserId;
            if (fallback == null) {
                resolver = userResolver.getIfUnique();
                InsideLlmProperties settings = properties.getIfAvailable();
                fallback = settings == null ? ModelCallRecorder.DEFAULT_USER_ID : settings.getDefaultUserId();
                defaultUserId = fallback;
            }
            InsideLlmUserResolver users = resolver;
            String user = users == null ? null : users.currentUserId();
            return user != null && !user.isEmpty() ? user : fallback;
        }
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
