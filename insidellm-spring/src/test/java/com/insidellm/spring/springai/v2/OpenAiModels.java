package com.insidellm.spring.springai;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Spring AI 2.0's OpenAI chat model (on openai-java). Compiled in the Boot 4 build only; the Boot 3 build compiles the
 * 1.1 twin in {@code v1/} (same class name, see the module's pom).
 */
final class OpenAiModels {

    /** Whether tools run inside the model call (1.1) or in ChatClient between two model calls (2.0). */
    static final boolean TOOLS_INSIDE_MODEL_CALL = false;

    private OpenAiModels() {
    }

    static OpenAiChatModel model(String baseUrl, ToolCallingManager tools) {
        return OpenAiChatModel.builder().toolCallingManager(tools).options(OpenAiChatOptions.builder()
                .baseUrl(baseUrl + "v1").apiKey("sk-test").model("gpt-4o-mini").temperature(0.2).maxRetries(0)
                .build()).build();
    }

    static OpenAiChatOptions.Builder streamUsage() {
        return OpenAiChatOptions.builder().streamUsage(true);
    }

    /**
     * A {@code ChatClient.Builder} as Spring AI 2.0's {@code ChatClientAutoConfiguration} makes it: its tool-calling
     * advisor runs the tools through the {@code ToolCallingManager} bean.
     */
    static ChatClient.Builder chatClient(ChatModel model, ToolCallingManager tools) {
        return ChatClient.builder(model, ObservationRegistry.NOOP, null, null,
                ToolCallingAdvisor.builder().toolCallingManager(tools));
    }
}
