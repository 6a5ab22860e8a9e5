package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class TrackingTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class))
            .withUserConfiguration(Services.class);

    @AfterEach
    void clearSecurity() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void llmCallRecordsRequestAndResponseInARunOfItsOwn() {
        runner.run(context -> {
            assertThat(context.getBean(Llm.class).answer("What is 2+2?")).isEqualTo("4");
            RecordingExporter events = flushed(context);

            Event request = events.single(EventType.LLM_REQUEST);
            Event response = events.single(EventType.LLM_RESPONSE);
            Event runStart = events.single(EventType.RUN_START);
            Event runEnd = events.single(EventType.RUN_END);
            assertThat(request.payload()).containsEntry("model_name", "gpt-4o").containsEntry("provider", "openai")
                    .containsEntry("prompt", "What is 2+2?");
            assertThat(request.parentEventId()).isNull();
            assertThat(request.metadata()).containsEntry("code.function", "Llm.answer");
            assertThat(response.payload()).containsEntry("response_text", "4").containsKey("response_time_ms");
            assertThat(response.parentEventId()).isEqualTo(request.eventId());
            assertThat(List.of(request, response, runEnd)).allSatisfy(e -> {
                assertThat(e.runId()).isEqualTo(runStart.runId());
                assertThat(e.userId()).isEqualTo("anonymous");
            });
            assertThat(runEnd.payload()).containsEntry("exit_reason", "completed");
        });
    }

    @Test
    void nestedCallsNameTheirCallerAsParentAndShareTheRun() {
        runner.run(context -> {
            String reply = context.getBean(Agent.class).chat("u-7", "weather in Paris?");
            assertThat(reply).isEqualTo("plan:weather in Paris? -> sunny");
            RecordingExporter events = flushed(context);

            Event runStart = events.single(EventType.RUN_START);
            Event step = events.single(EventType.AGENT_REASONING);
            Event request = events.single(EventType.LLM_REQUEST);
            Event toolCall = events.single(EventType.TOOL_CALL);
            Event toolResponse = events.single(EventType.TOOL_RESPONSE);
            Event function = events.single(EventType.FUNCTION_EXECUTION);
            assertThat(runStart.userId()).isEqualTo("u-7");
            assertThat(runStart.payload()).containsEntry("initial_context", Map.of("run_name", "chat"));
            assertThat(events.events).allSatisfy(e -> {
                assertThat(e.runId()).isEqualTo(runStart.runId());
                assertThat(e.userId()).isEqualTo("u-7");
            });
            assertThat(events.ofType(EventType.RUN_START)).hasSize(1);

            assertThat(step.parentEventId()).isNull();
            assertThat(step.payload()).containsEntry("reasoning_type", "planning")
                    .containsEntry("reasoning_steps", List.of("plan:weather in Paris?"));
            assertThat(request.parentEventId()).isNull();
            assertThat(toolCall.parentEventId()).isEqualTo(request.eventId());
            assertThat(toolCall.payload()).containsEntry("tool_name", "web_search").containsEntry("tool_type", "api")
                    .containsEntry("parameters", Map.of("query", "weather in Paris?"))
                    .containsEntry("call_id", toolCall.eventId());
            assertThat(toolResponse.parentEventId()).isEqualTo(toolCall.eventId());
            assertThat(toolResponse.payload()).containsEntry("call_id", toolCall.eventId())
                    .containsEntry("success", true)
                    .containsEntry("response_data", List.of(Map.of("title", "Paris", "snippet", "sunny")));
            assertThat(function.parentEventId()).isEqualTo(toolCall.eventId());
            assertThat(function.payload()).containsEntry("function_name", "normalise")
                    .containsEntry("function_args", Map.of("text", "weather in Paris?"))
                    .containsEntry("return_value", "weather in paris?");
        });
    }

    @Test
    void exceptionIsRethrownUnchangedAndRecordedOnce() {
        runner.run(context -> {
            Agent agent = context.getBean(Agent.class);
            assertThatThrownBy(() -> agent.failingChat("u-1")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("search backend down").hasNoCause();
            RecordingExporter events = flushed(context);

            Event toolCall = events.single(EventType.TOOL_CALL);
            Event toolResponse = events.single(EventType.TOOL_RESPONSE);
            Event error = events.single(EventType.ERROR);
            assertThat(toolResponse.payload()).containsEntry("success", false)
                    .containsEntry("error_message", "search backend down");
            assertThat(error.parentEventId()).isEqualTo(toolCall.eventId());
            assertThat(error.payload()).containsEntry("error_type", IllegalStateException.class.getName())
                    .containsEntry("error_message", "search backend down").containsEntry("severity", "error");
            assertThat((String) error.payload().get("stack_trace")).contains("Tools.failingSearch");
            assertThat(events.single(EventType.RUN_END).payload()).containsEntry("exit_reason", "error");
        });
    }

    @Test
    void agentStepFailureIsAFailedReasoningEventWithItsErrorUnderItAsTheTrackerRecordsIt() {
        runner.run(context -> {
            assertThatThrownBy(() -> context.getBean(Agent.class).plan(""))
                    .isInstanceOf(IllegalArgumentException.class);
            RecordingExporter events = flushed(context);
            Event step = events.single(EventType.AGENT_REASONING);
            assertThat(step.payload()).containsEntry("success", false).containsEntry("error_message", "empty task");
            Event error = events.single(EventType.ERROR);
            assertThat(error.payload()).containsEntry("error_message", "empty task");
            assertThat(error.parentEventId()).isEqualTo(step.eventId());
        });
    }

    @Test
    void spelChoosesWhatIsRecordedAndCaptureContentFalseRecordsNoContent() {
        runner.run(context -> {
            Llm llm = context.getBean(Llm.class);
            llm.withExpressions(new Question("u-9", "secret question", 0.2));
            llm.withoutContent("secret prompt");
            RecordingExporter events = flushed(context);

            List<Event> requests = events.ofType(EventType.LLM_REQUEST);
            Event chosen = requests.stream().filter(e -> e.payload().get("model_name").equals("chosen")).findFirst()
                    .orElseThrow();
            assertThat(chosen.userId()).isEqualTo("u-9");
            assertThat(chosen.payload()).containsEntry("prompt", "secret question")
                    .containsEntry("parameters", Map.of("temperature", 0.2));
            Event chosenResponse = events.ofType(EventType.LLM_RESPONSE).stream()
                    .filter(e -> chosen.eventId().equals(e.parentEventId())).findFirst().orElseThrow();
            assertThat(chosenResponse.payload()).containsEntry("response_text", "SECRET QUESTION");

            Event hidden = requests.stream().filter(e -> e.payload().get("model_name").equals("hidden")).findFirst()
                    .orElseThrow();
            assertThat(hidden.payload()).containsEntry("prompt", "[NOT CAPTURED]").containsEntry("parameters", null);
            Event hiddenResponse = events.ofType(EventType.LLM_RESPONSE).stream()
                    .filter(e -> hidden.eventId().equals(e.parentEventId())).findFirst().orElseThrow();
            assertThat(hiddenResponse.payload()).containsEntry("response_text", "[NOT CAPTURED]");
            assertThat(events.events.toString()).doesNotContain("secret");
        });
    }

    @Test
    void completableFutureResponseIsRecordedWhenTheFutureCompletes() {
        runner.run(context -> {
            CompletableFuture<String> gate = new CompletableFuture<>();
            CompletableFuture<String> result = context.getBean(Llm.class).answerLater(gate);
            RecordingExporter events = context.getBean(RecordingExporter.class);
            InsideLlmClient client = context.getBean(InsideLlmClient.class);
            assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(events.ofType(EventType.LLM_REQUEST)).hasSize(1);
            assertThat(events.ofType(EventType.LLM_RESPONSE)).isEmpty();

            gate.complete("later");
            assertThat(result.join()).isEqualTo("later");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                client.flush(Duration.ofSeconds(1));
                assertThat(events.ofType(EventType.LLM_RESPONSE)).singleElement()
                        .satisfies(e -> assertThat(e.payload()).containsEntry("response_text", "later"));
                assertThat(events.ofType(EventType.RUN_END)).hasSize(1);
            });
        });
    }

    @Test
    void failedFutureIsRecordedAsAnError() {
        runner.run(context -> {
            CompletableFuture<String> gate = new CompletableFuture<>();
            CompletableFuture<String> result = context.getBean(Llm.class).answerLater(gate);
            gate.completeExceptionally(new IllegalStateException("model overloaded"));
            assertThat(result).isCompletedExceptionally();
            RecordingExporter events = context.getBean(RecordingExporter.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                context.getBean(InsideLlmClient.class).flush(Duration.ofSeconds(1));
                assertThat(events.ofType(EventType.ERROR)).singleElement().satisfies(e -> assertThat(e.payload())
                        .containsEntry("error_message", "model overloaded"));
            });
        });
    }

    @Test
    void monoAndFluxAreRecordedOnCompletion() {
        runner.run(context -> {
            Llm llm = context.getBean(Llm.class);
            Mono<String> mono = llm.answerMono("q1");
            Flux<String> flux = llm.stream("q2");
            assertThat(mono.block()).isEqualTo("mono:q1");
            assertThat(flux.collectList().block()).containsExactly("Hel", "lo");
            RecordingExporter events = flushed(context);
            assertThat(events.ofType(EventType.LLM_RESPONSE)).extracting(e -> e.payload().get("response_text"))
                    .containsExactlyInAnyOrder("mono:q1", "Hello");
        });
    }

    @Test
    void userIdComesFromTheSpringSecurityPrincipal() {
        runner.run(context -> {
            SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                    "alice", "n/a", AuthorityUtils.createAuthorityList("ROLE_USER")));
            context.getBean(Llm.class).answer("hi");
            assertThat(flushed(context).events).isNotEmpty().allSatisfy(e -> assertThat(e.userId()).isEqualTo("alice"));
        });
    }

    @Test
    void userIdFallsBackToTheConfiguredDefaultWithoutSpringSecurity() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues("insidellm.default-user-id=service-account").run(context -> {
                    context.getBean(Llm.class).answer("hi");
                    assertThat(flushed(context).events).isNotEmpty()
                            .allSatisfy(e -> assertThat(e.userId()).isEqualTo("service-account"));
                });
    }

    @Test
    void annotatedMethodsJoinARunStartedByTheApplication() {
        runner.run(context -> {
            InsideLlmClient client = context.getBean(InsideLlmClient.class);
            String runId = client.startRun("u-3");
            try (InsideLlmContext.Scope ignored = InsideLlmContext.of(runId, "u-3").makeCurrent()) {
                context.getBean(Llm.class).answer("hi");
            }
            RecordingExporter events = flushed(context);
            assertThat(events.ofType(EventType.RUN_START)).hasSize(1);
            assertThat(events.events).allSatisfy(e -> assertThat(e.runId()).isEqualTo(runId));
        });
    }

    @Test
    void aRunCalledInsideARunJoinsIt() {
        runner.run(context -> {
            context.getBean(Agent.class).outerChat("u-5");
            RecordingExporter events = flushed(context);
            assertThat(events.ofType(EventType.RUN_START)).hasSize(1);
            assertThat(events.ofType(EventType.RUN_END)).hasSize(1);
            assertThat(events.single(EventType.RUN_START).payload())
                    .containsEntry("initial_context", Map.of("run_name", "outerChat"));
            assertThat(events.single(EventType.LLM_REQUEST).runId())
                    .isEqualTo(events.single(EventType.RUN_START).runId());
        });
    }

    @Test
    void twoClientsWithoutAPrimaryLeaveMethodsWorkingAndUnrecorded() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                InsideLlmHealthAutoConfiguration.class, InsideLlmMetricsAutoConfiguration.class))
                .withUserConfiguration(Beans.class)
                .withBean("one", InsideLlmClient.class, InsideLlmClient::noop)
                .withBean("two", InsideLlmClient.class, InsideLlmClient::noop)
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean("insidellmHealthIndicator");
                    assertThat(context.getBean(Llm.class).answer("hi")).isEqualTo("4");
                });
    }

    @Test
    void noopClientLeavesMethodsUntouched() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class))
                .withUserConfiguration(Beans.class).run(context -> {
                    assertThat(context.getBean(InsideLlmClient.class)).isSameAs(InsideLlmClient.noop());
                    assertThat(context.getBean(Llm.class).answer("hi")).isEqualTo("4");
                    assertThat(InsideLlmContext.current()).isNull();
                });
    }

    private static RecordingExporter flushed(ApplicationContext context) {
        assertThat(context.getBean(InsideLlmClient.class).flush(Duration.ofSeconds(10))).isTrue();
        return context.getBean(RecordingExporter.class);
    }

    public record Question(String userId, String text, double temperature) {
    }

    public record SearchResult(String title, String snippet) {
    }

    public static class Tools {
        private final Text text;

        Tools(Text text) {
            this.text = text;
        }

        @TrackToolUse(name = "web_search", type = "api")
        public List<SearchResult> search(String query) {
            text.normalise(query);
            return List.of(new SearchResult("Paris", "sunny"));
        }

        @TrackToolUse(name = "web_search", type = "api")
        public List<SearchResult> failingSearch(String query) {
            throw new IllegalStateException("search backend down");
        }
    }

    public static class Text {
        @TrackFunction
        public String normalise(String text) {
            return text.toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static class Llm {
        private final Tools tools;

        Llm(Tools tools) {
            this.tools = tools;
        }

        @TrackLlmCall(model = "gpt-4o", provider = "openai")
        public String answer(String question) {
            return "4";
        }

        @TrackLlmCall(model = "gpt-4o", provider = "openai")
        public String answerWithSearch(String question) {
            return tools.search(question).get(0).snippet();
        }

        @TrackLlmCall(model = "gpt-4o", provider = "openai")
        public String answerWithFailingSearch(String question) {
            return tools.failingSearch(question).get(0).snippet();
        }

        @TrackLlmCall(model = "chosen", provider = "test", prompt = "#q.text", userId = "#q.userId",
                parameters = "{temperature: #q.temperature}", response = "#result.toUpperCase()")
        public String withExpressions(Question q) {
            return q.text();
        }

        @TrackLlmCall(model = "hidden", provider = "test", parameters = "{a: 1}", captureContent = false)
        public String withoutContent(String prompt) {
            return "secret answer";
        }

        @TrackLlmCall(model = "gpt-4o", provider = "openai")
        public CompletableFuture<String> answerLater(CompletableFuture<String> gate) {
            return gate.thenApply(s -> s);
        }

        @TrackLlmCall(model = "gpt-4o", provider = "openai")
        public Mono<String> answerMono(String question) {
            return Mono.fromSupplier(() -> "mono:" + question);
        }

        @TrackLlmCall(model = "gpt-4o", provider = "openai")
        public Flux<String> stream(String question) {
            return Flux.just("Hel", "lo");
        }
    }

    public static class Agent {
        private final Llm llm;

        Agent(Llm llm) {
            this.llm = llm;
        }

        @TrackRun(userId = "#userId")
        public String chat(String userId, String question) {
            return self().plan(question) + " -> " + llm.answerWithSearch(question);
        }

        @TrackRun(userId = "#userId")
        public String outerChat(String userId) {
            return self().innerChat(userId);
        }

        @TrackRun(name = "inner")
        public String innerChat(String userId) {
            return llm.answer("hi");
        }

        @TrackRun(userId = "#userId")
        public String failingChat(String userId) {
            return llm.answerWithFailingSearch("x");
        }

        @TrackAgentStep("planning")
        public String plan(String task) {
            if (task.isEmpty()) {
                throw new IllegalArgumentException("empty task");
            }
            return "plan:" + task;
        }

        // Self-invocation bypasses the proxy; go through the bean to record the step.
        private Agent self;

        Agent self() {
            return self;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        Text text() {
            return new Text();
        }

        @Bean
        Tools tools(Text text) {
            return new Tools(text);
        }

        @Bean
        Llm llm(Tools tools) {
            return new Llm(tools);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @org.springframework.context.annotation.Import(Beans.class)
    static class Services {
        @Bean
        RecordingExporter recordingExporter() {
            return new RecordingExporter();
        }

        @Bean
        Agent agent(Llm llm, @org.springframework.context.annotation.Lazy Agent self) {
            Agent agent = new Agent(llm);
            agent.self = self;
            return agent;
        }
    }
}
