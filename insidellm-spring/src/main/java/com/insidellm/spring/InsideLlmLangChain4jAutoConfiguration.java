package com.insidellm.spring;

import com.insidellm.InsideLlmClient;
import com.insidellm.langchain4j.InsideLlmChatModelListener;
import com.insidellm.langchain4j.InsideLlmLangChain4j;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * Records LangChain4j when it and {@code insidellm-langchain4j} are on the classpath: a {@code ChatModelListener}
 * bean, which LangChain4j's Spring Boot starters add to every chat model they build, and, when LangChain4j's AI
 * services are present, the AI-service listeners for every AI service in the application (including
 * {@code @AiService} beans, which the starters give no listeners). Switched off with
 * {@code insidellm.langchain4j.enabled=false}, and with {@code insidellm.enabled=false}, so that LangChain4j calls
 * then cost nothing.
 *
 * <p>Model calls made inside an annotated method or a run join its run with the right parent; others are threaded
 * into conversations by {@code insidellm-langchain4j}. The user id comes from the {@link InsideLlmUserResolver}, else
 * {@code insidellm.default-user-id}.
 */
@AutoConfiguration(after = InsideLlmAutoConfiguration.class)
@ConditionalOnClass(name = {"com.insidellm.langchain4j.InsideLlmLangChain4j",
    "dev.langchain4j.model.chat.listener.ChatModelListener"})
@ConditionalOnSingleCandidate(InsideLlmClient.class)
@ConditionalOnProperty(prefix = "insidellm.langchain4j", name = "enabled", matchIfMissing = true)
@ConditionalOnProperty(prefix = "insidellm", name = "enabled", matchIfMissing = true)
public class InsideLlmLangChain4jAutoConfiguration {

    /** The LangChain4j integration; records every AI service when LangChain4j's {@code AiServices} is present. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public InsideLlmLangChain4j insideLlmLangChain4j(InsideLlmClient client,
            ObjectProvider<InsideLlmUserResolver> userResolver, InsideLlmProperties properties) {
        String defaultUserId = properties.getDefaultUserId();
        InsideLlmLangChain4j integration = InsideLlmLangChain4j.builder(client).userId(() -> {
            InsideLlmUserResolver resolver = userResolver.getIfUnique();
            String user = resolver == null ? null : resolver.currentUserId();
            return user == null || user.isEmpty() ? defaultUserId : user;
        }).runIdleTimeout(properties.getLangchain4j().getRunIdleTimeout()).build();
        if (ClassUtils.isPresent("dev.langchain4j.service.AiServices", getClass().getClassLoader())) {
            integration.recordAllAiServices();
        }
        return integration;
    }

    /** The listener LangChain4j's Spring Boot starters add to the chat models they build. */
    @Bean
    @ConditionalOnMissingBean
    public InsideLlmChatModelListener insideLlmChatModelListener(InsideLlmLangChain4j integration) {
        return integration.chatModelListener();
    }
}
