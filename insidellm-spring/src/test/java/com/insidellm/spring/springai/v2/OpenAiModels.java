package com.insidellm.spring.springai;

import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Spring AI 2.0's OpenAI chat model (on openai-java). Compiled in the Boot 4 build only; the Boot 3 build compiles the
 * 1.1 twin in {@code v1/} (same class name, see the module's pom).
 */
final class OpenAiModels {

    /** Whether tools run inside the model's call (Spring AI 2.0 runs tools in ChatClient between two model calls.) */
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
}
