package com.insidellm.threading;

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

    @Test
    void keysAreTheGoldenFingerprintsWhicheverWayTheyAreComputed() {
        // Computed with the code before fingerprints were cached and deferred (commit 881cc6d): the gateway's database
        // and threading files hold these, so they must never change.
        ConversationThreads.Message system = ConversationThreads.Message.system("You are helpful.");
        ConversationThreads.Message hello = ConversationThreads.Message.user("Hello");
        ConversationThreads.Message hi = ConversationThreads.Message.assistant("Hi! How can I help?", List.of());
        List<String> golden = List.of("o00l5nFKiNivmSveo_91CYW80ZLxoqrFVnG8U9q58ag",
                "F8wKFkQyG_JvuAgg_y60C5MPy61IKrBMyYF4NGdFWs8", "rrOXiBiyZ0Qkp1rX5Hi6LpLmIMG9BWK6H-QJ1_2pUEY",
                "YfIZQuRpB0Afe3HerPwm0vlNnsEoWFlOjLmaQ94Wgi8");
        List<ConversationThreads.Message> conversation = List.of(system, hello, hi,
                ConversationThreads.Message.user("Next"));

        // Twice: the second time the first message's fingerprint is the one remembered from the first time.
        assertThat(ConversationThreads.Prefixes.of(conversation).keys()).isEqualTo(golden);
        ConversationThreads.Prefixes.of(List.of(ConversationThreads.Message.system("Another prompt."), hello));
        assertThat(ConversationThreads.Prefixes.of(conversation).keys()).isEqualTo(golden);
        assertThat(ConversationThreads.Prefixes.of(conversation).keys()).isEqualTo(golden);
        assertThat(ConversationThreads.fingerprint(ConversationThreads.Prefixes.of(List.of(system, hello)), hi))
                .isEqualTo(golden.get(2));
        assertThat(ConversationThreads.Prefixes.of(List.of(hello)).keys())
                .containsExactly("TqVvKyb5tkL5sru0TbDtrFOMC8_OXdD-ZjKcqb-9vyo");
        assertThat(ConversationThreads.fingerprint(ConversationThreads.Prefixes.of(List.of()),
                ConversationThreads.Message.user("x"))).isEqualTo("lB-v44RTD8uWLtJPF5XHImoV_5AwcmcWzJhOPTpryDs");
        // Remembered on another thread (as the background drain does) and found here.
        try (ConversationThreads threads = ConversationThreads.builder().build()) {
            ConversationThreads.Prefixes first = ConversationThreads.Prefixes.of(List.of(system, hello));
            Thread other = new Thread(() -> threads.remember(first, hi, "run-golden"));
            other.start();
            assertThat(org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> {
                other.join();
                return threads.find(conversation);
            })).isEqualTo("run-golden");
        }
    }
}
