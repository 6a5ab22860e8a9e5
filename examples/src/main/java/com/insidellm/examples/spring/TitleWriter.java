package com.insidellm.examples.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.insidellm.spring.TrackLlmCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Names a conversation with one call to the chat completions API over plain HTTP: the kind of model call that no
 * framework records for you, so {@code @TrackLlmCall} does.
 */
@Service
class TitleWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String apiKey;

    TitleWriter(@Value("${langchain4j.open-ai.chat-model.base-url:https://api.openai.com/v1}") String baseUrl,
            @Value("${langchain4j.open-ai.chat-model.api-key}") String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    // README: @TrackLlmCall
    @TrackLlmCall(model = "gpt-4o-mini", provider = "openai") // llm.request, then llm.response or error
    String title(String message) throws IOException, InterruptedException {
        return complete("Title: " + message);                 // the prompt is the argument, the response the result
    }
    // end README

    private String complete(String prompt) throws IOException, InterruptedException {
        byte[] body = JSON.writeValueAsBytes(Map.of("model", "gpt-4o-mini",
                "messages", List.of(Map.of("role", "user", "content", prompt))));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("chat completions answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode completion = JSON.readTree(response.body());
        return completion.path("choices").path(0).path("message").path("content").asText();
    }
}
