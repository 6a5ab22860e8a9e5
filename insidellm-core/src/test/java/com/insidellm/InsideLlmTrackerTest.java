package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InsideLlmTrackerTest {

    private final CapturingExporter exporter = new CapturingExporter();
    private final InsideLlmClient client = CapturingExporter.clientBuilder(exporter).strict(true).build();

    @AfterEach
    void close() {
        client.close();
    }

    private List<JsonNode> delivered() {
        assertThat(client.flush(Duration.ofSeconds(10))).isTrue();
        return exporter.events();
    }

    @Test
    void everyLogMethodEmitsItsEventWithTheReturnedIdInTheRun() {
        String runId;
        String input;
        String answer;
        String request;
        String response;
        String call;
        String toolResponse;
        String error;
        String metric;
        String exception;
        String custom;
        try (InsideLlmTracker tracker = client.tracker("user-123", Map.of("env", "test"))) {
            runId = tracker.runId();
            input = tracker.logUserInput("Hello, how can you help?");
            request = tracker.logLlmRequest("gpt-4o", "openai", "Say hello");
            response = tracker.logLlmResponse("gpt-4o", "openai", "Hello!", request);
            call = tracker.logToolCall("calculator", Map.of("expression", "2+2"));
            toolResponse = tracker.logToolResponse("calculator", 4, call);
            error = tracker.logError("rate_limit", "slow down");
            metric = tracker.logPerformanceMetric("latency", 250, "ms");
            answer = tracker.logAgentResponse("Hello! I can help with many tasks.", input);
            exception = tracker.logError(new IllegalArgumentException("bad input"));
            custom = tracker.log(new Payload.UserFeedback("rating", 5, answer, null), Map.of("source", "thumbs"));
        }
        List<JsonNode> events = delivered();
        assertThat(events).extracting(e -> e.get("event_type").asText()).containsExactly("run.start", "user.input",
                "llm.request", "llm.response", "tool.call", "tool.response", "error", "performance_metric",
                "agent.response", "error", "user.feedback", "run.end");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("run_id").asText()).isEqualTo(runId);
            assertThat(e.get("user_id").asText()).isEqualTo("user-123");
            assertThat(e.get("metadata").get("env").asText()).isEqualTo("test");
        });
        assertThat(events.subList(1, 11)).extracting(e -> e.get("event_id").asText())
                .containsExactly(input, request, response, call, toolResponse, error, metric, answer, exception, custom);
        JsonNode thrown = events.get(9).get("payload");
        assertThat(thrown.get("error_type").asText()).isEqualTo("exception");
        assertThat(thrown.get("error_message").asText()).isEqualTo("bad input");
        assertThat(thrown.get("context").get("exception_class").asText())
                .isEqualTo("java.lang.IllegalArgumentException");
        assertThat(events.get(10).get("metadata").get("source").asText()).isEqualTo("thumbs");
        assertThat(events.get(10).get("payload").get("target_event_id").asText()).isEqualTo(answer);
        assertThat(exporter.single("llm.response").get("parent_event_id").asText()).isEqualTo(request);
        assertThat(exporter.single("tool.response").get("parent_event_id").asText()).isEqualTo(call);
        assertThat(exporter.ofType("error").get(0).has("parent_event_id")).isFalse();
        assertThat(exporter.single("agent.response").get("parent_event_id").asText()).isEqualTo(input);
        assertThat(exporter.single("user.input").has("parent_event_id")).isFalse();
        assertThat(exporter.single("tool.response").get("payload").get("response_data").asInt()).isEqualTo(4);
        assertThat(exporter.single("run.end").get("payload").get("exit_reason").asText()).isEqualTo("completed");
    }

    @Test
    void trackLlmCallLinksResponseToRequestAndRecordsLatency() {
        String answer;
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            answer = tracker.trackLlmCall("gpt-4o", "openai", "User greeting", () -> "Hi there");
        }
        delivered();
        assertThat(answer).isEqualTo("Hi there");
        JsonNode request = exporter.single("llm.request");
        JsonNode response = exporter.single("llm.response");
        assertThat(request.get("payload").get("prompt").asText()).isEqualTo("User greeting");
        assertThat(response.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(response.get("payload").get("response_text").asText()).isEqualTo("Hi there");
        assertThat(response.get("payload").get("model_name").asText()).isEqualTo("gpt-4o");
        assertThat(response.get("payload").get("response_time_ms").isIntegralNumber()).isTrue();
    }

    @Test
    void trackLlmCallRecordsEveryFieldOfAnLlmCallResult() {
        LlmCallResult result = LlmCallResult.builder("4").finishReason("stop")
                .usage(new TokenUsage(12, 1, 13, 2, 0)).cost(0.5).responseId("chatcmpl-1")
                .responseModel("gpt-4o-2024-08-06").responseMessage(Map.of("role", "assistant", "content", "4"))
                .build();
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            assertThat(tracker.trackLlmCall("gpt-4o", "openai", "2+2?", () -> result)).isSameAs(result);
        }
        delivered();
        JsonNode payload = exporter.single("llm.response").get("payload");
        assertThat(payload.get("response_text").asText()).isEqualTo("4");
        assertThat(payload.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(payload.get("usage").get("prompt_tokens").asInt()).isEqualTo(12);
        assertThat(payload.get("usage").get("cached_tokens").asInt()).isEqualTo(2);
        assertThat(payload.get("cost").asDouble()).isEqualTo(0.5);
        assertThat(payload.get("response_id").asText()).isEqualTo("chatcmpl-1");
        assertThat(payload.get("response_model").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(payload.get("response_message").get("role").asText()).isEqualTo("assistant");
    }

    @Test
    void trackLlmCallMapsAProviderResponseWithADescriber() {
        record ProviderResponse(String text, int in, int out) {
        }
        ProviderResponse value;
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            value = tracker.trackLlmCall("claude-sonnet-4-5", "anthropic", "Hi", () -> new ProviderResponse("Hey", 5, 2),
                    r -> LlmCallResult.of(r.text(), TokenUsage.of(r.in(), r.out())));
        }
        delivered();
        assertThat(value.text()).isEqualTo("Hey");
        JsonNode payload = exporter.single("llm.response").get("payload");
        assertThat(payload.get("response_text").asText()).isEqualTo("Hey");
        assertThat(payload.get("usage").get("total_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void trackLlmCallAsyncRecordsTheOutcomeWhenTheStageCompletes() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CompletableFuture<String> pending = new CompletableFuture<>();
        IOException failure = new IOException("timeout");
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            CompletableFuture<String> answer = tracker.trackLlmCallAsync("gpt-4o", "openai", "async", () -> {
                tracker.logToolCall("inside-supplier", Map.of());
                return pending;
            });
            CompletableFuture<LlmCallResult> failed = tracker.trackLlmCallAsync("gpt-4o", "openai", "fails",
                    () -> CompletableFuture.supplyAsync(() -> {
                        throw new CompletionException(failure);
                    }, pool));
            assertThat(answer).isNotDone();
            pool.submit(() -> pending.complete("later")).get(10, TimeUnit.SECONDS);
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("later");
            assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCause(failure);
        } finally {
            pool.shutdownNow();
        }
        delivered();
        List<JsonNode> requests = exporter.ofType("llm.request");
        JsonNode response = exporter.single("llm.response");
        assertThat(response.get("payload").get("response_text").asText()).isEqualTo("later");
        assertThat(response.get("parent_event_id").asText()).isEqualTo(requests.get(0).get("event_id").asText());
        assertThat(exporter.single("tool.call").get("parent_event_id").asText())
                .isEqualTo(requests.get(0).get("event_id").asText());
        JsonNode error = exporter.single("error");
        assertThat(error.get("parent_event_id").asText()).isEqualTo(requests.get(1).get("event_id").asText());
        assertThat(error.get("payload").get("error_message").asText()).isEqualTo("timeout");
        assertThat(error.get("payload").get("context").get("exception_class").asText())
                .isEqualTo("java.io.IOException");
    }

    @Test
    void failingLlmCallLogsTheErrorAndRethrowsTheSameCheckedException() {
        IOException failure = new IOException("connection reset");
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            assertThatThrownBy(() -> tracker.trackLlmCall("gpt-4o", "openai", "Hi", () -> {
                throw failure;
            })).isSameAs(failure);
        }
        delivered();
        JsonNode request = exporter.single("llm.request");
        JsonNode error = exporter.single("error");
        assertThat(exporter.ofType("llm.response")).isEmpty();
        assertThat(error.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        JsonNode payload = error.get("payload");
        assertThat(payload.get("error_type").asText()).isEqualTo("llm_error");
        assertThat(payload.get("error_message").asText()).isEqualTo("connection reset");
        assertThat(payload.get("context").get("exception_class").asText()).isEqualTo("java.io.IOException");
        assertThat(payload.get("context").get("model_name").asText()).isEqualTo("gpt-4o");
        assertThat(payload.get("stack_trace").asText()).startsWith("java.io.IOException: connection reset")
                .contains("InsideLlmTrackerTest");
    }

    @Test
    void checkedExceptionsPropagateWithoutWrapping() {
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            assertThatThrownBy(() -> readThroughTracker(tracker)).isExactlyInstanceOf(IOException.class)
                    .hasMessage("disk").hasNoCause();
            assertThatThrownBy(() -> tracker.trackFunction("f", Map.of(), () -> {
                throw new IllegalStateException("bad");
            })).isExactlyInstanceOf(IllegalStateException.class).hasMessage("bad");
            StackOverflowError error = new StackOverflowError();
            assertThatThrownBy(() -> tracker.trackAgentStep("deep", () -> {
                throw error;
            })).isSameAs(error);
        }
        delivered();
        assertThat(exporter.ofType("error")).extracting(e -> e.get("payload").get("error_type").asText())
                .containsExactly("tool_error", "function_error", "agent_step_error");
    }

    /** Compiles only because trackToolCall declares the call's own checked exception, not Exception. */
    private static Object readThroughTracker(InsideLlmTracker tracker) throws IOException {
        return tracker.trackToolCall("reader", Map.of(), () -> {
            throw new IOException("disk");
        });
    }

    @Test
    void recordingFailuresNeverReplaceTheApplicationsException() {
        InsideLlmClient strict = CapturingExporter.clientBuilder(exporter).strict(true).build();
        InsideLlmTracker tracker = strict.tracker("user-1");
        IOException failure = new IOException("the real problem");
        try {
            // The client shuts down while the call runs, so in strict mode recording the error throws too.
            assertThatThrownBy(() -> tracker.trackLlmCall("gpt-4o", "openai", "x", () -> {
                strict.close();
                throw failure;
            })).isSameAs(failure);
            assertThat(failure.getSuppressed()).hasSize(1).hasOnlyElementsOfType(InsideLlmException.class);
        } finally {
            tracker.closeExceptionally(failure);
        }
        assertThat(failure.getSuppressed()).hasSize(3); // the error event, the context_error and run.end
        assertThat(InsideLlmContext.current()).isNull();
    }

    @Test
    void trackToolCallRecordsResultOrFailureUnderTheCall() {
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            Object sum = tracker.trackToolCall("calculator", Map.of("expression", "2+2"), () -> 4);
            assertThat(sum).isEqualTo(4);
            assertThatThrownBy(() -> tracker.trackToolCall("search", "web", Map.of("q", "x"), () -> {
                throw new IllegalStateException("offline");
            })).hasMessage("offline");
        }
        delivered();
        List<JsonNode> calls = exporter.ofType("tool.call");
        List<JsonNode> responses = exporter.ofType("tool.response");
        assertThat(calls).hasSize(2);
        assertThat(responses).hasSize(2);
        assertThat(calls.get(0).get("payload").get("parameters").get("expression").asText()).isEqualTo("2+2");
        assertThat(responses.get(0).get("parent_event_id").asText()).isEqualTo(calls.get(0).get("event_id").asText());
        assertThat(responses.get(0).get("payload").get("success").asBoolean()).isTrue();
        assertThat(responses.get(0).get("payload").get("response_data").asInt()).isEqualTo(4);
        assertThat(responses.get(1).get("parent_event_id").asText()).isEqualTo(calls.get(1).get("event_id").asText());
        assertThat(responses.get(1).get("payload").get("success").asBoolean()).isFalse();
        assertThat(responses.get(1).get("payload").get("error_message").asText()).isEqualTo("offline");
        assertThat(responses.get(1).get("payload").get("tool_type").asText()).isEqualTo("web");
        assertThat(exporter.single("error").get("parent_event_id").asText())
                .isEqualTo(calls.get(1).get("event_id").asText());
    }

    @Test
    void eventsInsideAWrapperNameTheWrappersEventAsParent() {
        String[] ids = new String[4];
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            tracker.trackAgentStep("planning", () -> {
                ids[0] = InsideLlmContext.current().parentEventId();
                ids[1] = tracker.trackLlmCall("gpt-4o", "openai", "plan", () -> {
                    ids[2] = tracker.logToolCall("lookup", Map.of());
                    return "step one";
                });
                return List.of("step one", "step two");
            });
            ids[3] = tracker.logUserInput("after the step");
        }
        delivered();
        JsonNode step = exporter.single("agent.reasoning");
        JsonNode request = exporter.single("llm.request");
        JsonNode toolCall = exporter.single("tool.call");
        assertThat(step.get("event_id").asText()).isEqualTo(ids[0]);
        assertThat(step.has("parent_event_id")).isFalse();
        assertThat(step.get("payload").get("reasoning_type").asText()).isEqualTo("planning");
        assertThat(step.get("payload").get("reasoning_steps")).hasSize(2);
        assertThat(request.get("parent_event_id").asText()).isEqualTo(ids[0]);
        assertThat(toolCall.get("parent_event_id").asText()).isEqualTo(request.get("event_id").asText());
        assertThat(exporter.single("llm.response").get("parent_event_id").asText())
                .isEqualTo(request.get("event_id").asText());
        assertThat(exporter.single("user.input").has("parent_event_id")).isFalse();
    }

    @Test
    void aFailedWrapperRestoresTheParentItReplaced() {
        String[] stepId = new String[1];
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            tracker.trackAgentStep("step", () -> {
                stepId[0] = InsideLlmContext.current().parentEventId();
                assertThatThrownBy(() -> tracker.trackToolCall("flaky", Map.of(), () -> {
                    throw new IllegalStateException("down");
                })).hasMessage("down");
                assertThat(InsideLlmContext.current().parentEventId()).isEqualTo(stepId[0]);
                tracker.logUserInput("after the failure");
            });
            assertThat(InsideLlmContext.current().parentEventId()).isNull();
        }
        delivered();
        assertThat(exporter.single("user.input").get("parent_event_id").asText()).isEqualTo(stepId[0]);
    }

    @Test
    void trackFunctionRecordsOneFunctionExecutionThatParentsInnerEvents() {
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            int result = tracker.trackFunction("add", Map.of("a", 1, "b", 2), () -> {
                tracker.logPerformanceMetric("inner", 1, null);
                return 3;
            });
            assertThat(result).isEqualTo(3);
            tracker.trackFunction("noop", Map.of(), () -> { });
        }
        delivered();
        List<JsonNode> executions = exporter.ofType("function_execution");
        assertThat(executions).hasSize(2);
        JsonNode add = executions.get(0).get("payload");
        assertThat(add.get("function_name").asText()).isEqualTo("add");
        assertThat(add.get("function_args").get("b").asInt()).isEqualTo(2);
        assertThat(add.get("return_value").asInt()).isEqualTo(3);
        assertThat(add.get("success").asBoolean()).isTrue();
        assertThat(add.get("execution_time_ms").isIntegralNumber()).isTrue();
        assertThat(exporter.single("performance_metric").get("parent_event_id").asText())
                .isEqualTo(executions.get(0).get("event_id").asText());
    }

    @Test
    void scopesOnTwoThreadsDoNotMix() throws Exception {
        CountDownLatch bothInside = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String[]> a = pool.submit(() -> runOnThread("alice", bothInside));
            Future<String[]> b = pool.submit(() -> runOnThread("bob", bothInside));
            String[] ra = a.get(10, TimeUnit.SECONDS);
            String[] rb = b.get(10, TimeUnit.SECONDS);
            delivered();
            for (String[] r : List.of(ra, rb)) {
                JsonNode input = exporter.events().stream().filter(e -> e.get("event_id").asText().equals(r[1]))
                        .findFirst().orElseThrow();
                assertThat(input.get("run_id").asText()).isEqualTo(r[0]);
                assertThat(input.get("parent_event_id").asText()).isEqualTo(r[2]);
            }
            assertThat(ra[0]).isNotEqualTo(rb[0]);
        } finally {
            pool.shutdownNow();
        }
    }

    private String[] runOnThread(String user, CountDownLatch bothInside) throws Exception {
        try (InsideLlmTracker tracker = client.tracker(user)) {
            String[] result = new String[3];
            result[0] = tracker.runId();
            tracker.trackAgentStep("step", () -> {
                result[2] = InsideLlmContext.current().parentEventId();
                bothInside.countDown();
                // Both threads are now inside their own step at the same time.
                assertThat(bothInside.await(10, TimeUnit.SECONDS)).isTrue();
                result[1] = tracker.logUserInput("from " + user);
            });
            return result;
        }
    }

    @Test
    void aScopeCarriedToAnExecutorKeepsItsParent() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (InsideLlmTracker tracker = client.tracker("user-1")) {
            String[] fromPool = new String[2];
            tracker.trackAgentStep("fan-out", () -> {
                CompletableFuture.runAsync(() -> fromPool[0] = tracker.logToolCall("t", Map.of()),
                        tracker.wrap(pool)).get(10, TimeUnit.SECONDS);
                // Unwrapped, the pool thread knows nothing of the run.
                pool.submit(() -> fromPool[1] = String.valueOf(InsideLlmContext.current())).get(10, TimeUnit.SECONDS);
            });
            delivered();
            JsonNode step = exporter.single("agent.reasoning");
            assertThat(exporter.single("tool.call").get("parent_event_id").asText())
                    .isEqualTo(step.get("event_id").asText());
            assertThat(fromPool[1]).isEqualTo("null");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoConsecutiveRunsDoNotShareAParent() {
        String firstRun;
        try (InsideLlmTracker first = client.tracker("user-1")) {
            firstRun = first.runId();
            first.trackAgentStep("step", () -> first.logUserInput("inside"));
            assertThat(InsideLlmContext.current().runId()).isEqualTo(firstRun);
        }
        assertThat(InsideLlmContext.current()).isNull();
        String secondRun;
        try (InsideLlmTracker second = client.tracker("user-1")) {
            secondRun = second.runId();
            second.logUserInput("second run");
        }
        delivered();
        assertThat(secondRun).isNotEqualTo(firstRun);
        JsonNode second = exporter.ofType("user.input").get(1);
        assertThat(second.get("run_id").asText()).isEqualTo(secondRun);
        assertThat(second.has("parent_event_id")).isFalse();
    }

    @Test
    void aTrackerOfAnotherRunIgnoresTheCurrentParentOfTheOuterRun() {
        try (InsideLlmTracker outer = client.tracker("user-1")) {
            outer.trackAgentStep("outer", () -> {
                try (InsideLlmTracker inner = client.tracker("user-2")) {
                    inner.logUserInput("inner run");
                }
                outer.logUserInput("outer run");
            });
        }
        delivered();
        List<JsonNode> inputs = exporter.ofType("user.input");
        assertThat(inputs.get(0).has("parent_event_id")).isFalse();
        assertThat(inputs.get(1).get("parent_event_id").asText())
                .isEqualTo(exporter.single("agent.reasoning").get("event_id").asText());
    }

    @Test
    void trackLogsContextErrorAndRethrowsWhenTheBodyThrows() {
        IOException failure = new IOException("boom");
        assertThatThrownBy(() -> client.track("user-1", tracker -> {
            tracker.logUserInput("hi");
            throw failure;
        })).isSameAs(failure);
        String value = client.track("user-1", tracker -> "ok");
        delivered();
        JsonNode error = exporter.single("error");
        assertThat(error.get("payload").get("error_type").asText()).isEqualTo("context_error");
        assertThat(error.get("payload").get("error_message").asText()).isEqualTo("boom");
        assertThat(exporter.ofType("run.end")).extracting(e -> e.get("payload").get("exit_reason").asText())
                .containsExactly("error", "completed");
        assertThat(value).isEqualTo("ok");
        assertThat(InsideLlmContext.current()).isNull();
    }

    @Test
    void badArgumentsNeverStopTheWrappedCall() {
        InsideLlmClient lenient = CapturingExporter.clientBuilder(exporter).build();
        try (InsideLlmTracker tracker = lenient.tracker("user-1")) {
            String answer = tracker.trackLlmCall(null, "openai", "Hi", () -> "still called");
            assertThat(answer).isEqualTo("still called");
            assertThat(tracker.trackLlmCall("gpt-4o", "openai", "x", () -> 1,
                    r -> { throw new IllegalStateException("describer bug"); })).isEqualTo(1);
        }
        lenient.flush(Duration.ofSeconds(10));
        assertThat(lenient.stats().dropped(DropReason.INVALID_EVENT)).isEqualTo(2);
        lenient.close();
    }

    @Test
    void noopClientTrackerRunsCallsAndRecordsNothing() throws Exception {
        InsideLlmClient noop = InsideLlmClient.noop();
        try (InsideLlmTracker tracker = noop.tracker("user-1")) {
            assertThat(tracker.logUserInput("hi")).isNotBlank();
            assertThat(tracker.trackLlmCall("m", "p", "x", () -> "answer")).isEqualTo("answer");
            assertThatThrownBy(() -> tracker.trackToolCall("t", Map.of(), () -> {
                throw new IOException("x");
            })).isInstanceOf(IOException.class);
            assertThat(InsideLlmContext.current()).isNull();
        }
        assertThat(noop.stats().eventsQueued()).isZero();
    }
}
