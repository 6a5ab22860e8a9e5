package com.insidellm.examples;

import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import com.insidellm.Redactors;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;

/**
 * README code that no example runs, compiled here so that it stays correct. {@link ReadmeSnippetsTest} checks that
 * the README shows exactly these regions.
 */
final class ReadmeSnippets {

    private ReadmeSnippets() {}

    static InsideLlmClient localMode() {
        // README: local mode
        InsideLlmClient client = InsideLlmClient.builder()
                .localMode()                       // JSON lines under .insidellm/events; no key, no network
                .build();
        // end README
        return client;
    }

    static InsideLlmClient privacy(String apiKey) {
        // README: privacy
        InsideLlmClient client = InsideLlmClient.builder()
                .apiKey(apiKey)
                .redact(Redactors.builtIns())                                  // e-mails, phones, cards, keys
                .redact(Redactors.pattern("ACC-\\d{8}", "[REDACTED_ACCOUNT]"))  // and your own patterns
                .captureContent(false)                                         // or no prompts/responses at all
                .sampleRate(0.10)                                              // keep 10 % of runs, whole
                .build();
        // end README
        return client;
    }

    /** The collector as a gateway: clients pointed at it, as the README shows (compiled now that openai-java is here). */
    static Object[] gateway() {
        // README: gateway
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:7800/v1").apiKey("unused").build();
        ChatModel model = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:7800/v1").apiKey("unused").modelName("gpt4.1").build();
        // end README
        return new Object[] {client, model};
    }

    // README: serverless
    static final InsideLlmClient CLIENT = InsideLlmClient.builder().build();  // once per container

    static String handleRequest(String question) {
        String runId = CLIENT.startRun("user-123");
        try {
            CLIENT.logEvent(Event.userInput(runId, "user-123", question));
            return "...";                                                     // your function's work
        } finally {
            CLIENT.endRun(runId);
            CLIENT.flush(Duration.ofSeconds(2));   // deliver before the platform freezes the container
        }
    }
    // end README
}
