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
import java.util.regex.Pattern;
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

    @Test
    void normalisationIsTheRegularExpressionItReplaced() {
        // The fingerprints of threading files written before the single-pass normaliser must stay the same.
        Pattern whitespace = Pattern.compile("\\s+");
        List<String> inputs = List.of("", " ", "plain", "  padded  ", "a b", "a  b", "a\tb", "a \t\n b", "\r\n",
                "a\u000bb\fc\rd", "tail \t", "\t head", "a\u00a0b", "a \u00a0 b", "\u2003em\u2003space\u2003",
                "a\u2003\u2003b", "a \u2003 b", "\u001fsep\u001f", "x\u001f y", "nbsp\u00a0", "\u00a0 nbsp",
                "emoji \uD83D\uDE00  done", "line\n\n\nbreaks\n", "\u3000ideographic\u3000 space\u3000",
                "mixed \t\u2003\t end", " \u0085next line\u0085 ", "single\ttab", "trailing space ");
        for (String input : inputs) {
            assertThat(ConversationThreads.normalise(input))
                    .as("normalise(%s)", input.codePoints().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(whitespace.matcher(input.strip()).replaceAll(" "));
        }
        assertThat(ConversationThreads.normalise(null)).isEmpty();
    }

    @Test
    void theRequestFingerprintIsTheLastPrefix() {
        List<ChatMessage> messages = List.of(SYSTEM, HELLO, HI, UserMessage.from("Weather?"));
        assertThat(ConversationThreads.fingerprint(messages))
                .isEqualTo(ConversationThreads.Prefixes.of(messages).last);
        ConversationThreads threads = new ConversationThreads(100, null);
        threads.remember(ConversationThreads.fingerprint(List.of(SYSTEM, HELLO)), HI, "run-3");
        assertThat(threads.find(messages)).isEqualTo("run-3");
    }
}
