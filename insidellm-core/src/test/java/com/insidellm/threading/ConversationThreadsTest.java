package com.insidellm.threading;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.threading.ConversationThreads.Message;
import com.insidellm.threading.ConversationThreads.ToolCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationThreadsTest {

    private static final Message SYSTEM = Message.system("You are helpful.");
    private static final Message HELLO = Message.user("Hello");
    private static final Message HI = Message.assistant("Hi! How can I help?", List.of());

    private static ConversationThreads threads(int capacity) {
        return ConversationThreads.builder().capacity(capacity).build();
    }

    @Test
    void findsTheRunOfTheLongestRememberedPrefixEndingWithAnAnswer() {
        ConversationThreads threads = threads(100);
        threads.remember(List.of(SYSTEM, HELLO), HI, "run-1");

        assertThat(threads.find(List.of(SYSTEM, HELLO, HI, Message.user("Weather?")))).isEqualTo("run-1");
        // The same first question again is a new conversation, and so is anything sharing only the system prompt.
        assertThat(threads.find(List.of(SYSTEM, HELLO))).isNull();
        assertThat(threads.find(List.of(SYSTEM, Message.user("Other")))).isNull();
    }

    @Test
    void toolCallsAndResultsContinueTheConversationWhateverTheCallIdsAndSpacing() {
        ConversationThreads threads = threads(100);
        threads.remember(List.of(HELLO), Message.assistant(null, List.of(new ToolCall("weather",
                "{\"city\": \"Paris\"}"))), "run-2");

        List<Message> next = List.of(HELLO,
                Message.assistant(null, List.of(new ToolCall("weather", "{\"city\":  \"Paris\"}"))),
                Message.toolResult("weather", "sunny"));
        assertThat(threads.find(next)).isEqualTo("run-2");
    }

    @Test
    void theOpenAiChatFormatThreadsLikeTheSameMessagesBuiltDirectly() {
        ConversationThreads threads = threads(100);
        List<Map<String, ?>> first = List.of(Map.of("role", "system", "content", "You are helpful."),
                Map.of("role", "user", "content", "Hello"));
        ConversationThreads.Prefixes request = ConversationThreads.Prefixes.of(Message.fromChat(first));
        threads.remember(request, Message.fromChat(List.of(Map.of("role", "assistant", "content",
                "Hi! How can I help?"))).get(0), "run-chat");

        assertThat(threads.find(List.of(SYSTEM, HELLO, HI, Message.user("Weather?")))).isEqualTo("run-chat");
        List<Map<String, ?>> toolTurn = List.of(
                Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "Hello"))),
                Map.of("role", "assistant", "tool_calls", List.of(Map.of("id", "call_9", "type", "function",
                        "function", Map.of("name", "weather", "arguments", "{}")))),
                Map.of("role", "tool", "tool_call_id", "call_9", "content", "sunny"));
        assertThat(Message.fromChat(toolTurn)).containsExactly(HELLO,
                Message.assistant(null, List.of(new ToolCall("weather", "{}"))), Message.toolResult("weather", "sunny"));
    }

    @Test
    void memoryIsBoundedByTheCapacity() {
        ConversationThreads threads = threads(3);
        for (int i = 0; i < 10; i++) {
            threads.remember(List.of(Message.user("q" + i)), Message.assistant("a" + i, List.of()), "run-" + i);
        }
        assertThat(threads.size()).isEqualTo(3);
        assertThat(threads.find(List.of(Message.user("q0"), Message.assistant("a0", List.of()), HELLO))).isNull();
        assertThat(threads.find(List.of(Message.user("q9"), Message.assistant("a9", List.of()), HELLO)))
                .isEqualTo("run-9");
    }

    @Test
    void fileIsReadBackAndCompactedWhenItOutgrowsTheCapacity(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("threads.tsv");
        try (ConversationThreads threads = ConversationThreads.builder().capacity(2).file(file).build()) {
            for (int i = 0; i < 5; i++) {
                threads.remember(List.of(Message.user("q" + i)), Message.assistant("a" + i, List.of()), "run-" + i);
            }
        }
        assertThat(Files.readAllLines(file)).hasSize(5);
        try (ConversationThreads reopened = ConversationThreads.builder().capacity(2).file(file).build()) {
            assertThat(reopened.find(List.of(Message.user("q4"), Message.assistant("a4", List.of()), HELLO)))
                    .isEqualTo("run-4");
            assertThat(reopened.find(List.of(Message.user("q0"), Message.assistant("a0", List.of()), HELLO)))
                    .isNull();
            assertThat(reopened.markRunSeen("run-4")).isFalse();
            assertThat(reopened.markRunSeen("run-new")).isTrue();
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void fingerprintsAreThoseOfThreadingFilesWrittenBeforeTheMoveToCore(@TempDir Path dir) throws Exception {
        // SHA-256 chained over "system:You are helpful.", "user:Hello\n", "assistant:Hi! How can I help?" with a
        // 0x1f separator, as the LangChain4j module's own threading wrote it before it moved here (computed apart).
        Path file = dir.resolve("threads.tsv");
        Files.writeString(file, "rrOXiBiyZ0Qkp1rX5Hi6LpLmIMG9BWK6H-QJ1_2pUEY\trun-before\n");
        try (ConversationThreads threads = ConversationThreads.builder().file(file).build()) {
            assertThat(threads.find(List.of(SYSTEM, HELLO, HI, Message.user("Next")))).isEqualTo("run-before");
        }
        assertThat(Message.system(" a \t b ").toString()).isEqualTo("system:a b");
        assertThat(Message.user("x").toString()).isEqualTo("user:x\n");
        assertThat(Message.assistant("t", List.of(new ToolCall("f", " {} "))).toString())
                .isEqualTo("assistant:t\ncall f {}");
        assertThat(Message.toolResult("f", "r").toString()).isEqualTo("tool:f r");
        assertThat(Message.userBuilder().text("a").other("AUDIO").build().toString()).isEqualTo("user:a\n[AUDIO]\n");
    }

    @Test
    void aSystemMessageIsBuiltFromItsOwnTextWhateverWasBuiltBefore() {
        // The last system message is kept for the next request with the same prompt: a different prompt, or the same
        // one in another string, must still give its own canonical form.
        Message first = Message.system("  Prompt\tA ");
        assertThat(Message.system("Prompt B")).hasToString("system:Prompt B");
        assertThat(Message.system(new String("  Prompt\tA ".toCharArray()))).isEqualTo(first)
                .hasToString("system:Prompt A");
        assertThat(Message.system("Prompt B")).hasToString("system:Prompt B");
        assertThat(Message.system(null)).hasToString("system:");
        assertThat(Message.system("")).hasToString("system:");
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
            assertThat(Fingerprints.normalise(input))
                    .as("normalise(%s)", input.codePoints().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(whitespace.matcher(input.strip()).replaceAll(" "));
        }
        assertThat(Fingerprints.normalise(null)).isEmpty();
    }

    @Test
    void rememberingTheWholeRequestEqualsRememberingItsPrefixes() {
        ConversationThreads byList = threads(100);
        ConversationThreads byPrefixes = threads(100);
        byList.remember(List.of(SYSTEM, HELLO), HI, "run-3");
        byPrefixes.remember(ConversationThreads.Prefixes.of(List.of(SYSTEM, HELLO)), HI, "run-3");
        List<Message> next = List.of(SYSTEM, HELLO, HI, Message.user("Weather?"));
        assertThat(byList.find(next)).isEqualTo("run-3");
        assertThat(byPrefixes.find(next)).isEqualTo("run-3");
    }

    @Test
    void conversationsQueuedForLaterAreSeenByTheNextLookUpAndConvertedOnce() {
        ConversationThreads threads = threads(100);
        int[] conversions = new int[1];
        threads.rememberLater(() -> {
            conversions[0]++;
            return List.of(SYSTEM, HELLO);
        }, () -> HI, "run-later");

        assertThat(threads.hasQueued()).isTrue();
        assertThat(conversions[0]).isZero();
        assertThat(threads.find(List.of(SYSTEM, HELLO, HI, Message.user("Next")))).isEqualTo("run-later");
        assertThat(threads.hasQueued()).isFalse();
        threads.drain();
        assertThat(conversions[0]).isOne();

        threads.rememberLater(ConversationThreads.Prefixes.of(List.of(Message.user("q"))),
                () -> Message.assistant("a", List.of()), "run-prefixes");
        threads.drain();
        assertThat(threads.hasQueued()).isFalse();
        assertThat(threads.find(List.of(Message.user("q"), Message.assistant("a", List.of()), HELLO)))
                .isEqualTo("run-prefixes");
    }

    @Test
    void theQueueIsBoundedByTheCapacityWhenNobodyDrainsIt() {
        ConversationThreads threads = threads(2);
        for (int i = 0; i < 3; i++) {
            int n = i;
            threads.rememberLater(() -> List.of(Message.user("q" + n)), () -> Message.assistant("a", List.of()),
                    "run-" + n);
        }
        // The third exceeded the capacity: the caller drained everything queued.
        assertThat(threads.hasQueued()).isFalse();
    }

    @Test
    void closingRemembersWhatIsQueued(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("threads.tsv");
        try (ConversationThreads threads = ConversationThreads.builder().file(file).build()) {
            threads.rememberLater(() -> List.of(HELLO), () -> HI, "run-closed");
        }
        assertThat(Files.readAllLines(file)).singleElement().asString().endsWith("\trun-closed");
    }

    @Test
    void aLookUpThatNoQueuedConversationCanPrecedeLeavesTheQueueToTheBackground() {
        ConversationThreads threads = threads(100);
        threads.rememberLater(ConversationThreads.Prefixes.of(List.of(SYSTEM, HELLO)), () -> HI, "run-q");

        // A new conversation of two messages cannot continue a queued one of two plus an answer.
        assertThat(threads.find(List.of(SYSTEM, HELLO))).isNull();
        assertThat(threads.hasQueued()).isTrue();
        // Its next turn can, and finds it.
        assertThat(threads.find(List.of(SYSTEM, HELLO, HI, Message.user("More")))).isEqualTo("run-q");
        assertThat(threads.hasQueued()).isFalse();
    }

    @Test
    void aLookUpWaitsForAConversationThatADrainHasTakenButNotRememberedYet() throws Exception {
        ConversationThreads threads = threads(100);
        java.util.concurrent.CountDownLatch describing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // An answer described lazily, slowly: the background drain is inside it when the next turn looks up.
        threads.rememberLater(() -> List.of(SYSTEM, HELLO), () -> {
            describing.countDown();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HI;
        }, "run-slow");
        Thread drainer = new Thread(threads::drain, "drainer");
        drainer.start();
        assertThat(describing.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        java.util.concurrent.CompletableFuture<String> found = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> threads.find(List.of(SYSTEM, HELLO, HI, Message.user("Weather?"))));
        // The look-up must wait for the drain, not answer "no conversation" while the drain still has it in hand.
        org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(300))
                .atMost(java.time.Duration.ofSeconds(5)).until(() -> !found.isDone());
        release.countDown();
        assertThat(found.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("run-slow");
        drainer.join(60_000);
    }
}
