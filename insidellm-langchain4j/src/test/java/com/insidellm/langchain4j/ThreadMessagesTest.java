package com.insidellm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.threading.ConversationThreads;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadMessagesTest {

    private static final SystemMessage SYSTEM = SystemMessage.from("You are helpful.");
    private static final UserMessage HELLO = UserMessage.from("Hello");
    private static final AiMessage HI = AiMessage.from("Hi! How can I help?");

    @Test
    void threadingFilesWrittenBeforeThreadingMovedToCoreStillContinueTheirConversations(@TempDir Path dir)
            throws Exception {
        // What this module's own threading wrote for [system, user] answered by HI (its chained SHA-256).
        Path file = dir.resolve("threads.tsv");
        Files.writeString(file, "rrOXiBiyZ0Qkp1rX5Hi6LpLmIMG9BWK6H-QJ1_2pUEY\trun-before\n");
        try (ConversationThreads threads = ConversationThreads.builder().file(file).build()) {
            List<ChatMessage> next = List.of(SYSTEM, HELLO, HI, UserMessage.from("Weather?"));
            assertThat(threads.find(ThreadMessages.of(next))).isEqualTo("run-before");
        }
    }

    @Test
    void toolCallsAndResultsContinueTheConversationWhateverTheCallIds() {
        ConversationThreads threads = ConversationThreads.builder().build();
        AiMessage call = AiMessage.from(List.of(ToolExecutionRequest.builder().id("call_1").name("weather")
                .arguments("{\"city\": \"Paris\"}").build()));
        threads.remember(ThreadMessages.of(List.of(HELLO)), ThreadMessages.answer(call), "run-2");

        AiMessage sameCallOtherId = AiMessage.from(List.of(ToolExecutionRequest.builder().id("call_77")
                .name("weather").arguments("{\"city\":  \"Paris\"}").build()));
        List<ChatMessage> next = List.of(HELLO, sameCallOtherId,
                ToolExecutionResultMessage.from("call_77", "weather", "sunny"));
        assertThat(threads.find(ThreadMessages.of(next))).isEqualTo("run-2");
    }

    @Test
    void userMessagesOfSeveralPartsKeepTheirCanonicalForm() {
        UserMessage parts = UserMessage.from(TextContent.from("Look"),
                ImageContent.from("https://example.com/cat.png"));
        assertThat(ThreadMessages.of(parts).toString()).isEqualTo("user:Look\n[image "
                + Integer.toHexString(java.net.URI.create("https://example.com/cat.png").hashCode()) + "]\n");
        assertThat(ThreadMessages.of(HELLO)).isEqualTo(ConversationThreads.Message.user("Hello"));
        assertThat(ThreadMessages.of(SYSTEM)).isEqualTo(ConversationThreads.Message.system("You are helpful."));
    }
}
