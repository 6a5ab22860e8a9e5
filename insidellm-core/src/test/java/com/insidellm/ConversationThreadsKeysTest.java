package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fingerprints exposed for callers that keep the index themselves are the ones find() and remember() use. */
class ConversationThreadsKeysTest {

    @Test
    void theRememberedFingerprintIsAKeyOfTheNextTurnAndMatchesWhatTheThreadingFinds() {
        List<ConversationThreads.Message> turn1 = ConversationThreads.Message.fromChat(List.of(
                Map.of("role", "system", "content", "Be brief."), Map.of("role", "user", "content", "Capital of France?")));
        ConversationThreads.Message answer = ConversationThreads.Message.fromChat(List.of(
                Map.of("role", "assistant", "content", "Paris."))).get(0);
        List<ConversationThreads.Message> turn2 = ConversationThreads.Message.fromChat(List.of(
                Map.of("role", "system", "content", "Be brief."), Map.of("role", "user", "content", "Capital of France?"),
                Map.of("role", "assistant", "content", "  Paris. "), Map.of("role", "user", "content", "And Spain?")));

        String remembered = ConversationThreads.fingerprint(ConversationThreads.Prefixes.of(turn1), answer);
        List<String> keys = ConversationThreads.Prefixes.of(turn2).keys();

        assertThat(keys).hasSize(4);
        assertThat(keys.get(2)).isEqualTo(remembered);
        assertThat(keys.subList(0, 2)).isEqualTo(ConversationThreads.Prefixes.of(turn1).keys());
        try (ConversationThreads threads = ConversationThreads.builder().build()) {
            threads.remember(ConversationThreads.Prefixes.of(turn1), answer, "run-1");
            assertThat(threads.find(ConversationThreads.Prefixes.of(turn2))).isEqualTo("run-1");
        }
    }
}
