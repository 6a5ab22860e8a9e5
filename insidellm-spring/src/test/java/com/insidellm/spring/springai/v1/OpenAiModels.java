package com.insidellm.spring.springai;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;

/**
 * Spring AI 1.1's OpenAI chat model (on its own {@code OpenAiApi}). Compiled in the Boot 3 build only; the Boot 4
 * build compiles the 2.0 twin in {@code v2/} (same class name, see the module's pom).
 */
final class OpenAiModels {

    /** Whether tools run inside the model call (1.1) or in ChatClient between two model calls (2.0). */
    static final boolean TOOLS_INSIDE_MODEL_CALL = true;

    private OpenAiModels() {
    }

    static OpenAiChatModel model(String baseUrl, ToolCallingManager tools) {
        OpenAiApi api = OpenAiApi.builder().baseUrl(baseUrl).apiKey("sk-test").build();
        return OpenAiChatModel.builder().openAiApi(api).toolCallingManager(tools)
                .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o-mini").temperature(0.2).build()).build();
    }

    static OpenAiChatOptions streamUsage() {
        return OpenAiChatOptions.builder().streamUsage(true).build();
    }

    /** A {@code ChatClient.Builder} as Spring AI 1.1's {@code ChatClientAutoConfiguration} makes it. */
    static ChatClient.Builder chatClient(ChatModel model, ToolCallingManager tools) {
        return ChatClient.builder(model);
    }
}
