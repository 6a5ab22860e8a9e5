package com.insidellm.examples;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * The one line that records an application through the collector's gateway: its base URL. Shown in the README's
 * "Record any app through the gateway"; the gateway itself is tested with these clients in the collector's tests.
 */
final class GatewayClients {

    private GatewayClients() {
    }

    static OpenAIClient openAi() {
        // README: gateway clients
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:7800/v1").apiKey("unused").build();
        // end README
        return client;
    }

    static ChatModel langChain4j() {
        // README: gateway clients
        ChatModel model = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:7800/v1").apiKey("unused").modelName("gpt4.1").build();
        // end README
        return model;
    }
}
