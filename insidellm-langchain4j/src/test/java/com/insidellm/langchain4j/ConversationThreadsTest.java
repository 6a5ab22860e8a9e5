package com.insidellm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationThreadsTest {

    private static final SystemMessage SYSTEM = SystemMessage.from("You are helpful.");
    private static final UserMessage HELLO = UserMessage.from("Hello");
    private static final AiMessage HI = AiMessage.from("Hi! How can I help?");

    @Test
    void findsTheRunOfTheLongestRememberedPrefixEndingWithAnAnswer() {
        ConversationThreads threads = new ConversationThreads(100, null);
        threads.remember(List.of(SYSTEM, HELLO), HI, "run-1");

        assertThat(threads.find(List.of(SYSTEM, HELLO, HI, UserMessage.from("Weather?")))).isEqualTo("run-1");
        // The same first question again is a new conversation, and so is anything sharing only the system prompt.
        assertThat(threads.find(List.of(SYSTEM, HELLO))).isNull();
        assertThat(threads.find(List.of(SYSTEM, UserMessage.from("Other")))).isNull();
    }

    @Test
    void toolCallsAndResultsContinueTheConversationWhateverTheCallIds() {
        ConversationThreads threads = new ConversationThreads(100, null);
        AiMessage call = AiMessage.from(List.of(ToolExecutionRequest.builder().id("call_1").name("weather")
                .arguments("{\"city\": \"Paris\"}").build()));
        threads.remember(List.of(HELLO), call, "run-2");

        AiMessage sameCallOtherId = AiMessage.from(List.of(ToolExecutionRequest.builder().id("call_77")
                .name("weather").arguments("{\"city\":  \"Paris\"}").build()));
        List<ChatMessage> next = List.of(HELLO, sameCallOtherId,
                ToolExecutionResultMessage.from("call_77", "weather", "sunny"));
        assertThat(threads.find(next)).isEqualTo("run-2");
    }

    @Test
    void memoryIsBoundedByTheCapacity() {
        ConversationThreads threads = new ConversationThreads(3, null);
        for (int i = 0; i < 10; i++) {
            threads.remember(List.of(UserMessage.from("q" + i)), AiMessage.from("a" + i), "run-" + i);
        }
        assertThat(threads.size()).isEqualTo(3);
        assertThat(threads.find(List.of(UserMessage.from("q0"), AiMessage.from("a0"), HELLO))).isNull();
        assertThat(threads.find(List.of(UserMessage.from("q9"), AiMessage.from("a9"), HELLO))).isEqualTo("run-9");
    }

    @Test
    void fileIsReadBackAndCompactedWhenItOutgrowsTheCapacity(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("threads.tsv");
        try (ConversationThreads threads = new ConversationThreads(2, file)) {
            for (int i = 0; i < 5; i++) {
                threads.remember(List.of(UserMessage.from("q" + i)), AiMessage.from("a" + i), "run-" + i);
            }
        }
        assertThat(Files.readAllLines(file)).hasSize(5);
        try (ConversationThreads reopened = new ConversationThreads(2, file)) {
            assertThat(reopened.find(List.of(UserMessage.from("q4"), AiMessage.from("a4"), HELLO)))
                    .isEqualTo("run-4");
            assertThat(reopened.find(List.of(UserMessage.from("q0"), AiMessage.from("a0"), HELLO))).isNull();
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }
}
