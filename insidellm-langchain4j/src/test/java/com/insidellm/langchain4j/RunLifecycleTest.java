package com.insidellm.langchain4j;

import static com.insidellm.testing.CapturingExporter.ofType;
import static com.insidellm.testing.CapturingExporter.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.insidellm.testing.CapturingExporter;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.InsideLlmTracker;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runs this module starts itself end when idle (an injected clock, no waiting) and at close; a conversation that
 * continues later gets a new run naming the previous one. And a tracked method called by a tool is the tool's child.
 */
@SuppressWarnings("unchecked")
class RunLifecycleTest {

    interface MemoryAssistant {
        String chat(@MemoryId String conversation, @dev.langchain4j.service.UserMessage String message);
    }

    interface Assistant {
        String chat(String message);
    }

    /** A clock the test moves forward by hand. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-03-01T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.client(exporter);
    private final TestClock clock = new TestClock();
    private final InsideLlmLangChain4j insideLlm = InsideLlmLangChain4j.builder(client)
            .runIdleTimeout(Duration.ofMinutes(30)).clock(clock).build();

    @AfterEach
    void close() {
        insideLlm.close();
        client.close();
    }

    private ChatModel model(OpenAiServer server) {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("test-key").modelName("gpt-4o-mini")
                .maxRetries(0).listeners(List.of(insideLlm.chatModelListener())).build();
    }

    private List<Event> runEnds() {
        return ofType(exporter.events(client), EventType.RUN_END);
    }

    @Test
    void anAutomaticallyThreadedRunEndsWhenIdleAndItsConversationContinuesInANewRunNamingIt() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Answer.", null))) {
            ChatModel model = model(server);
            UserMessage first = UserMessage.from("First question");
            model.chat(first);
            String firstRun = single(exporter.events(client), EventType.RUN_START).runId();

            clock.advance(Duration.ofMinutes(29));
            assertThat(insideLlm.recorder().endIdleRuns()).isZero();
            // Activity resets the idle time: the second turn, 29 minutes later, keeps the run open 30 more minutes.
            model.chat(first, AiMessage.from("Answer."), UserMessage.from("Second question"));
            clock.advance(Duration.ofMinutes(29));
            assertThat(insideLlm.recorder().endIdleRuns()).isZero();
            clock.advance(Duration.ofMinutes(1));
            assertThat(insideLlm.recorder().endIdleRuns()).isOne();

            Event end = single(runEnds(), EventType.RUN_END);
            assertThat(end.runId()).isEqualTo(firstRun);
            // It ended with its last event (the second turn), not when the idle check noticed.
            assertThat(end.payload()).containsEntry("exit_reason", "idle")
                    .containsEntry("session_duration_ms", Duration.ofMinutes(29).toMillis());
            assertThat(end.timestamp()).isEqualTo(Instant.parse("2026-03-01T10:29:00Z"));

            model.chat(first, AiMessage.from("Answer."), UserMessage.from("Second question"),
                    AiMessage.from("Answer."), UserMessage.from("Third question"));
            List<Event> starts = ofType(exporter.events(client), EventType.RUN_START);
            assertThat(starts).hasSize(2);
            Event next = starts.get(1);
            assertThat(next.runId()).isNotEqualTo(firstRun);
            assertThat((Map<String, Object>) next.payload().get("initial_context"))
                    .containsEntry("previous_run_id", firstRun).containsEntry("kind", "conversation");
            List<Event> requests = ofType(exporter.events(client), EventType.LLM_REQUEST);
            assertThat(requests.get(2).runId()).isEqualTo(next.runId());
            // Nothing is recorded in the ended run after its run.end.
            List<Event> all = exporter.events(client);
            int endIndex = all.indexOf(end);
            assertThat(all.subList(endIndex + 1, all.size())).noneMatch(e -> e.runId().equals(firstRun));

            // The fourth turn finds the new run directly; closing the integration ends it.
            model.chat(first, AiMessage.from("Answer."), UserMessage.from("Second question"),
                    AiMessage.from("Answer."), UserMessage.from("Third question"), AiMessage.from("Answer."),
                    UserMessage.from("Fourth question"));
            assertThat(ofType(exporter.events(client), EventType.RUN_START)).hasSize(2);
            insideLlm.close();
            assertThat(runEnds()).extracting(Event::runId).containsExactly(firstRun, next.runId());
            assertThat(runEnds().get(1).payload()).containsEntry("exit_reason", "client_closed");
        }
    }

    @Test
    void aChatMemoryRunEndsWhenIdleAndTheSameMemoryIdContinuesInANewRun() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Hello.", null))) {
            MemoryAssistant assistant = insideLlm.register(AiServices.builder(MemoryAssistant.class))
                    .chatModel(model(server)).chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
                    .build();
            assistant.chat("conversation-1", "Hi");
            String firstRun = single(exporter.events(client), EventType.RUN_START).runId();

            clock.advance(Duration.ofMinutes(31));
            assertThat(insideLlm.recorder().endIdleRuns()).isOne();
            assistant.chat("conversation-1", "Still there?");

            List<Event> starts = ofType(exporter.events(client), EventType.RUN_START);
            assertThat(starts).hasSize(2);
            assertThat((Map<String, Object>) starts.get(1).payload().get("initial_context"))
                    .containsEntry("previous_run_id", firstRun);
            Event secondChain = ofType(exporter.events(client), EventType.CHAIN_START).get(1);
            assertThat(secondChain.runId()).isEqualTo(starts.get(1).runId());
            assertThat(single(runEnds(), EventType.RUN_END).payload()).containsEntry("exit_reason", "idle");
        }
    }

    @Test
    void runsTheApplicationStartedAreNeverEndedByTheModule() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.text("chatcmpl-1", "Answer.", null))) {
            ChatModel model = model(server);
            String runId = "11111111-2222-4333-8444-555555555555";
            try (InsideLlmContext.Scope ignored = InsideLlmContext.of(runId, "tracked-user").makeCurrent()) {
                model.chat(UserMessage.from("Question"));
            }
            clock.advance(Duration.ofHours(2));
            assertThat(insideLlm.recorder().endIdleRuns()).isZero();
            insideLlm.close();
            assertThat(runEnds()).isEmpty();
        }
    }

    @Test
    void theIdleTimeoutIsCheckedWhenConfigured() {
        assertThatThrownBy(() -> InsideLlmLangChain4j.builder(client).runIdleTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runIdleTimeout must be between 1 second and 30 days, but was PT0.01S");
        assertThat(InsideLlmLangChain4j.DEFAULT_RUN_IDLE_TIMEOUT).isEqualTo(Duration.ofMinutes(30));
    }

    /** A tool that calls a method tracked by the application's tracker. */
    static final class Lookup {
        private final InsideLlmTracker tracker;

        Lookup(InsideLlmTracker tracker) {
            this.tracker = tracker;
        }

        @Tool("Looks an order up")
        String lookUp(String order) {
            return tracker.trackFunction("orders.find", Map.of("order", order), () -> "shipped");
        }
    }

    @Test
    void aTrackedMethodCalledByAToolIsTheToolCallsChild() throws Exception {
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.hasToolResult(body)
                ? OpenAiServer.text("chatcmpl-2", "Order 7 has shipped.", null)
                : OpenAiServer.toolCall("chatcmpl-1", "call_1", "lookUp", "{\"order\":\"7\"}", null))) {
            try (InsideLlmTracker tracker = client.tracker("user-1")) {
                Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                        .chatModel(model(server)).tools(new Lookup(tracker)).build();
                assertThat(assistant.chat("Where is order 7?")).isEqualTo("Order 7 has shipped.");
            }

            List<Event> events = exporter.events(client);
            Event toolCall = single(events, EventType.TOOL_CALL);
            Event function = single(events, EventType.FUNCTION_EXECUTION);
            assertThat(function.parentEventId()).isEqualTo(toolCall.eventId());
            assertThat(function.runId()).isEqualTo(toolCall.runId());
            assertThat(function.payload()).containsEntry("function_name", "orders.find");
            assertThat(single(events, EventType.TOOL_RESPONSE).parentEventId()).isEqualTo(toolCall.eventId());
            // After the tool, the thread's context is the tracker's again.
            assertThat(InsideLlmContext.current()).isNull();
        }
    }

    @Test
    void withoutAnyRunOfTheApplicationAToolStillParentsWhatItRecords() throws Exception {
        assumeTrue(AiServicesSupport.toolHooksSeeTheirInvocation(),
                "LangChain4j before 1.12 gives tool hooks no invocation context; tools are not parents there");
        String[] seen = new String[2];
        Object tool = new Object() {
            @Tool("Reads the current context")
            String context() {
                InsideLlmContext current = InsideLlmContext.current();
                seen[0] = current == null ? null : current.runId();
                seen[1] = current == null ? null : current.parentEventId();
                return "ok";
            }
        };
        try (OpenAiServer server = new OpenAiServer(body -> OpenAiServer.hasToolResult(body)
                ? OpenAiServer.text("chatcmpl-2", "Done.", null)
                : OpenAiServer.toolCall("chatcmpl-1", "call_1", "context", "{}", null))) {
            Assistant assistant = insideLlm.register(AiServices.builder(Assistant.class))
                    .chatModel(model(server)).tools(tool).build();
            assistant.chat("Go");

            Event toolCall = single(exporter.events(client), EventType.TOOL_CALL);
            assertThat(seen).containsExactly(toolCall.runId(), toolCall.eventId());
            assertThat(InsideLlmContext.current()).isNull();
        }
    }

    @Test
    void atMostTheOpenRunLimitIsWatchedAndTheLeastRecentlyUsedEndFirst() {
        // 12,502 events: more than the default queue holds if the flusher falls behind on a slow machine.
        CapturingExporter exporter = new CapturingExporter();
        InsideLlmClient client = InsideLlmClient.builder().addExporter(exporter).shutdownHook(false)
                .maxQueueSize(50_000).flushInterval(Duration.ofMillis(50)).build();
        AutoRuns runs = new AutoRuns(com.insidellm.CallRecorder.of(client), Duration.ofMinutes(30), clock);
        try {
            for (int i = 0; i <= AutoRuns.MAX_OPEN; i++) {
                clock.advance(Duration.ofMillis(1));
                runs.start(com.insidellm.CallRecorder.newId(), "u", clock.instant(), "conversation", null);
            }
            // Ended on the module's background thread.
            int expected = AutoRuns.MAX_OPEN + 1 - AutoRuns.MAX_OPEN * 3 / 4;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                    .until(() -> ofType(exporter.events(client), EventType.RUN_END).size() >= expected);
            assertThat(client.stats().eventsDropped()).as("events dropped").isZero();
            List<Event> ends = ofType(exporter.events(client), EventType.RUN_END);
            List<Event> starts = ofType(exporter.events(client), EventType.RUN_START);
            assertThat(ends).hasSize(expected);
            assertThat(ends).extracting(Event::runId)
                    .containsExactlyInAnyOrderElementsOf(
                            starts.subList(0, ends.size()).stream().map(Event::runId).toList());
            assertThat(ends).allSatisfy(e -> assertThat(e.payload()).containsEntry("exit_reason", "idle"));
        } finally {
            runs.close();
            client.close();
        }
    }
}
