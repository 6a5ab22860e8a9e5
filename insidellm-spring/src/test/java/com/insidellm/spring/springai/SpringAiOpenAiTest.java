package com.insidellm.spring.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.insidellm.Event;
import com.insidellm.EventExporter;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.spring.InsideLlmAutoConfiguration;
import com.insidellm.spring.InsideLlmSpringAiAutoConfiguration;
import com.insidellm.spring.InsideLlmUserResolver;
import com.insidellm.testing.InMemoryEventExporter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.execution.DefaultToolExecutionExceptionProcessor;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring AI's real OpenAI chat model, through {@code ChatClient}, against MockWebServer speaking OpenAI's wire format:
 * the starter records it with no code. Runs on Spring AI 1.1 and 2.0: {@code OpenAiModels} builds the version's model
 (2.0 moved it onto openai-java).
 */
class SpringAiOpenAiTest {

    private final MockWebServer server = new MockWebServer();
    private final InMemoryEventExporter exporter = InMemoryEventExporter.create();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                        InsideLlmSpringAiAutoConfiguration.class))
                .withBean(EventExporter.class, () -> exporter)
                .withPropertyValues("openai.test.url=" + server.url("/").toString())
                .withUserConfiguration(Application.class);
    }

    @Configuration(proxyBeanMethods = false)
    static class Application {
        /** As Spring AI's ToolCallingAutoConfiguration: failures go back to the model as answers. */
        @Bean
        ToolExecutionExceptionProcessor toolExecutionExceptionProcessor() {
            return new DefaultToolExecutionExceptionProcessor(false);
        }

        @Bean
        ToolCallingManager toolCallingManager(ToolExecutionExceptionProcessor processor) {
            return ToolCallingManager.builder().toolExecutionExceptionProcessor(processor).build();
        }

        @Bean
        OpenAiChatModel openAiChatModel(ToolCallingManager tools,
                org.springframework.core.env.Environment environment) {
            return OpenAiModels.model(environment.getProperty("openai.test.url"), tools);
        }

        /** What Spring AI's ChatClientAutoConfiguration does: a builder with every customizer applied. */
        @Bean
        ChatClient.Builder chatClientBuilder(ChatModel model, ToolCallingManager tools,
                ObjectProvider<ChatClientCustomizer> customizers) {
            ChatClient.Builder builder = OpenAiModels.chatClient(model, tools);
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            return builder;
        }
    }

    static class Weather {
        /** The InsideLLM parent while the tool ran: what the tool records nests there. */
        volatile String parentWhileRunning;

        @Tool(description = "The weather in a city")
        String weather(String city) {
            InsideLlmContext current = InsideLlmContext.current();
            parentWhileRunning = current == null ? null : current.parentEventId();
            if (city.equals("Atlantis")) {
                throw new IllegalArgumentException("no weather station in " + city);
            }
            return "sunny in " + city;
        }
    }

    private static String json(String body) {
        return body.replace('\'', '"');
    }

    private static final String ANSWER = json("{'id':'chatcmpl-1','object':'chat.completion','created':1,"
            + "'model':'gpt-4o-mini-2024-07-18','choices':[{'index':0,'message':{'role':'assistant',"
            + "'content':'Hello there!'},'finish_reason':'stop'}],"
            + "'usage':{'prompt_tokens':12,'completion_tokens':3,'total_tokens':15}}");

    private List<Event> events(InsideLlmClient client, int atLeast) {
        client.flush(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(60)).until(() -> exporter.getFinishedEvents().size() >= atLeast);
        return exporter.getFinishedEvents();
    }

    private static Event single(List<Event> events, EventType type) {
        List<Event> found = events.stream().filter(e -> e.type() == type).toList();
        assertThat(found).as("%s events in %s", type, events).hasSize(1);
        return found.get(0);
    }

    @Test
    void plainCallWithTheConversationIdAsRunAndTheResolvedUser() {
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(ANSWER));
        runner().withBean(InsideLlmUserResolver.class, () -> () -> "user-7").run(context -> {
            String answer = context.getBean(ChatClient.Builder.class).build().prompt().system("Be brief.")
                    .user("Hi").advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conversation-42")).call()
                    .content();
            assertThat(answer).isEqualTo("Hello there!");

            List<Event> events = events(context.getBean(InsideLlmClient.class), 3);
            Event request = single(events, EventType.LLM_REQUEST);
            Event response = single(events, EventType.LLM_RESPONSE);
            Event run = single(events, EventType.RUN_START);
            assertThat(request.runId()).isEqualTo(run.runId());
            assertThat(run.userId()).isEqualTo("user-7");
            assertThat(request.userId()).isEqualTo("user-7");
            assertThat((Map<String, Object>) run.payload().get("initial_context"))
                    .containsEntry("conversation_id", "conversation-42");
            assertThat(request.payload()).containsEntry("model_name", "gpt-4o-mini").containsEntry("provider", "openai")
                    .containsEntry("prompt", "Hi").containsEntry("system_message", "Be brief.")
                    .containsEntry("call_type", "chat");
            assertThat((Map<String, Object>) request.payload().get("parameters")).containsEntry("temperature", 0.2);
            assertThat((List<?>) request.payload().get("messages")).hasSize(2);
            assertThat(response.runId()).isEqualTo(run.runId());
            assertThat(response.parentEventId()).isEqualTo(request.eventId());
            assertThat(response.payload()).containsEntry("response_text", "Hello there!")
                    .containsEntry("finish_reason", "stop").containsEntry("response_id", "chatcmpl-1")
                    .containsEntry("response_model", "gpt-4o-mini-2024-07-18");
            assertThat((Map<String, Object>) response.payload().get("usage")).containsEntry("prompt_tokens", 12)
                    .containsEntry("completion_tokens", 3);
            assertThat(response.payload().get("cost")).isInstanceOf(Number.class);
            assertThat(((Number) response.payload().get("cost")).doubleValue()).isPositive();
        });
    }

    @Test
    void toolRoundTripNestsTheToolUnderTheModelCall() {
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(json(
                "{'id':'chatcmpl-t','object':'chat.completion','created':1,'model':'gpt-4o-mini','choices':[{'index':0,"
                + "'message':{'role':'assistant','content':null,'tool_calls':[{'id':'call_1','type':'function',"
                + "'function':{'name':'weather','arguments':'{\\'city\\':\\'Paris\\'}'}}]},"
                + "'finish_reason':'tool_calls'}],'usage':{'prompt_tokens':20,'completion_tokens':7,"
                + "'total_tokens':27}}")));
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(ANSWER));
        runner().run(context -> {
            Weather weather = new Weather();
            String answer = context.getBean(ChatClient.Builder.class).build().prompt().user("Weather in Paris?")
                    .tools(weather).call().content();
            assertThat(answer).isEqualTo("Hello there!");

            List<Event> events = events(context.getBean(InsideLlmClient.class),
                    OpenAiModels.TOOLS_INSIDE_MODEL_CALL ? 4 : 6);
            assertToolNestedUnderTheCallThatAskedForIt(events);
            assertThat(weather.parentWhileRunning).isEqualTo(single(events, EventType.TOOL_CALL).eventId());
        });
    }

    @Test
    void aToolFailureTheModelIsToldAboutIsRecordedAsAFailure() {
        // Two calls of the same tool in one answer; Spring AI's default processor turns the second's exception into
        // its answer, and executeToolCalls returns normally.
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(json(
                "{'id':'chatcmpl-t','object':'chat.completion','created':1,'model':'gpt-4o-mini','choices':[{'index':0,"
                + "'message':{'role':'assistant','content':null,'tool_calls':[" + weatherCall("call_1", "Paris")
                + "," + weatherCall("call_2", "Atlantis") + "]},'finish_reason':'tool_calls'}],"
                + "'usage':{'prompt_tokens':20,'completion_tokens':7,"
                + "'total_tokens':27}}")));
        server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(ANSWER));
        runner().run(context -> {
            String answer = context.getBean(ChatClient.Builder.class).build().prompt()
                    .user("Weather in Paris and Atlantis?").tools(new Weather()).call().content();
            assertThat(answer).isEqualTo("Hello there!");

            List<Event> events = events(context.getBean(InsideLlmClient.class),
                    OpenAiModels.TOOLS_INSIDE_MODEL_CALL ? 7 : 9);
            Map<String, Event> calls = events.stream().filter(e -> e.type() == EventType.TOOL_CALL)
                    .collect(Collectors.toMap(e -> (String) e.payload().get("call_id"), e -> e));
            Map<String, Event> results = events.stream().filter(e -> e.type() == EventType.TOOL_RESPONSE)
                    .collect(Collectors.toMap(e -> (String) e.payload().get("call_id"), e -> e));
            assertThat(calls.keySet()).containsExactlyInAnyOrder("call_1", "call_2");
            assertThat(results.keySet()).containsExactlyInAnyOrder("call_1", "call_2");
            assertThat(results.get("call_1").payload()).containsEntry("success", true);
            assertThat(results.get("call_2").payload()).containsEntry("success", false)
                    .containsEntry("error_message", "no weather station in Atlantis");
            // What the model was told instead of a result is kept as the response.
            assertThat(String.valueOf(results.get("call_2").payload().get("response_data")))
                    .contains("no weather station in Atlantis");
            Event error = single(events, EventType.ERROR);
            assertThat(error.parentEventId()).isEqualTo(calls.get("call_2").eventId());
            assertThat(error.payload()).containsEntry("error_type", "tool_error")
                    .containsEntry("error_message", "no weather station in Atlantis");
            assertThat((Map<String, Object>) error.payload().get("context")).containsEntry("tool_name", "weather")
                    .containsEntry("exception_class", IllegalArgumentException.class.getName());
        });
    }

    private static String weatherCall(String id, String city) {
        return "{'id':'" + id + "','type':'function','function':{'name':'weather','arguments':'{\\'city\\':\\'"
                + city + "\\'}'}}";
    }

    /**
     * The tool's events, children of the model call whose answer asked for the tool: on Spring AI 1.1 the one model
     * call that runs the tool inside it, on 2.0 the first of the two calls ChatClient makes around the tool.
     */
    private static void assertToolNestedUnderTheCallThatAskedForIt(List<Event> events) {
        List<Event> requests = events.stream().filter(e -> e.type() == EventType.LLM_REQUEST).toList();
        assertThat(requests).hasSize(OpenAiModels.TOOLS_INSIDE_MODEL_CALL ? 1 : 2);
        Event request = requests.get(0);
        Event call = single(events, EventType.TOOL_CALL);
        Event result = single(events, EventType.TOOL_RESPONSE);
        assertThat((List<?>) request.payload().get("tools")).hasSize(1);
        assertThat(call.parentEventId()).isEqualTo(request.eventId());
        assertThat(call.runId()).isEqualTo(request.runId());
        assertThat(call.payload()).containsEntry("tool_name", "weather").containsEntry("call_id", "call_1")
                .containsEntry("parameters", Map.of("city", "Paris"));
        assertThat(result.parentEventId()).isEqualTo(call.eventId());
        assertThat(result.runId()).isEqualTo(request.runId());
        assertThat(result.payload()).containsEntry("success", true).containsEntry("call_id", "call_1");
        assertThat(String.valueOf(result.payload().get("response_data"))).contains("sunny in Paris");
        List<Event> responses = events.stream().filter(e -> e.type() == EventType.LLM_RESPONSE).toList();
        assertThat(responses.stream().map(Event::parentEventId))
                .containsExactlyElementsOf(requests.stream().map(Event::eventId).toList());
        if (!OpenAiModels.TOOLS_INSIDE_MODEL_CALL) {
            // The second call sends the tool's result, in the same run.
            assertThat(requests.get(1).runId()).isEqualTo(request.runId());
            assertThat(String.valueOf(requests.get(1).payload().get("messages"))).contains("sunny in Paris")
                    .contains("call_1");
            assertThat(responses.get(0).payload()).containsEntry("finish_reason", "tool_calls");
            // A streamed tool call arrives in pieces: the answer records it whole, once.
            Map<String, Object> message = (Map<String, Object>) responses.get(0).payload().get("response_message");
            List<Map<String, Object>> toolCalls = (List<Map<String, Object>>) message.get("tool_calls");
            assertThat(toolCalls).hasSize(1);
            assertThat(toolCalls.get(0)).containsEntry("id", "call_1");
            assertThat((Map<String, Object>) toolCalls.get(0).get("function")).containsEntry("name", "weather")
                    .containsEntry("arguments", "{\"city\":\"Paris\"}");
        }
    }

    private static String chunk(String delta, String finishReason) {
        return "data: " + json("{'id':'chatcmpl-st','object':'chat.completion.chunk','created':1,"
                + "'model':'gpt-4o-mini','choices':[{'index':0,'delta':" + delta + ",'finish_reason':"
                + (finishReason == null ? "null" : "'" + finishReason + "'") + "}]}") + "\n\n";
    }

    private static String usageChunk(int prompt, int completion) {
        return "data: " + json("{'id':'chatcmpl-st','object':'chat.completion.chunk','created':1,"
                + "'model':'gpt-4o-mini','choices':[],'usage':{'prompt_tokens':" + prompt + ",'completion_tokens':"
                + completion + ",'total_tokens':" + (prompt + completion) + "}}") + "\n\n";
    }

    @Test
    void streamedToolRoundTripNestsTheToolUnderTheModelCall() {
        // OpenAI streams a tool call as deltas: the id and name first, then the arguments in pieces.
        String toolCall = chunk("{'role':'assistant','content':null,'tool_calls':[{'index':0,'id':'call_1',"
                + "'type':'function','function':{'name':'weather','arguments':''}}]}", null)
                + chunk("{'tool_calls':[{'index':0,'function':{'arguments':'{\\'city\\':'}}]}", null)
                + chunk("{'tool_calls':[{'index':0,'function':{'arguments':'\\'Paris\\'}'}}]}", null)
                + chunk("{}", "tool_calls") + usageChunk(20, 7) + "data: [DONE]\n\n";
        String answer = chunk("{'role':'assistant','content':'Sunny'}", null) + chunk("{'content':' today'}", "stop")
                + usageChunk(30, 2) + "data: [DONE]\n\n";
        server.enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(toolCall));
        server.enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(answer));
        runner().run(context -> {
            Weather weather = new Weather();
            String text = context.getBean(ChatClient.Builder.class).build().prompt().user("Weather in Paris?")
                    .tools(weather).options(OpenAiModels.streamUsage()).stream().content()
                    .collect(Collectors.joining()).block(Duration.ofSeconds(30));
            assertThat(text).isEqualTo("Sunny today");

            List<Event> events = events(context.getBean(InsideLlmClient.class),
                    OpenAiModels.TOOLS_INSIDE_MODEL_CALL ? 4 : 6);
            assertToolNestedUnderTheCallThatAskedForIt(events);
            assertThat(weather.parentWhileRunning).isEqualTo(single(events, EventType.TOOL_CALL).eventId());
            assertThat(events.stream().filter(e -> e.type() == EventType.LLM_REQUEST))
                    .allSatisfy(request -> assertThat(request.payload()).containsEntry("stream", true));
        });
    }

    @Test
    void streamWithUsageAndTimeToFirstToken() {
        String sse = "data: " + json("{'id':'chatcmpl-s','object':'chat.completion.chunk','created':1,"
                + "'model':'gpt-4o-mini','choices':[{'index':0,'delta':{'role':'assistant','content':'Hel'},"
                + "'finish_reason':null}]}") + "\n\n"
                + "data: " + json("{'id':'chatcmpl-s','object':'chat.completion.chunk','created':1,"
                + "'model':'gpt-4o-mini','choices':[{'index':0,'delta':{'content':'lo'},'finish_reason':'stop'}]}")
                + "\n\n"
                + "data: " + json("{'id':'chatcmpl-s','object':'chat.completion.chunk','created':1,"
                + "'model':'gpt-4o-mini','choices':[],'usage':{'prompt_tokens':9,'completion_tokens':2,"
                + "'total_tokens':11}}") + "\n\n"
                + "data: [DONE]\n\n";
        server.enqueue(new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(sse));
        runner().run(context -> {
            String answer = context.getBean(ChatClient.Builder.class).build().prompt().user("Hi")
                    .options(OpenAiModels.streamUsage())
                    .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, "conversation-7")).stream().content()
                    .collect(Collectors.joining()).block(Duration.ofSeconds(10));
            assertThat(answer).isEqualTo("Hello");

            List<Event> events = events(context.getBean(InsideLlmClient.class), 3);
            Event request = single(events, EventType.LLM_REQUEST);
            Event response = single(events, EventType.LLM_RESPONSE);
            Event run = single(events, EventType.RUN_START);
            assertThat((Map<String, Object>) run.payload().get("initial_context"))
                    .containsEntry("conversation_id", "conversation-7");
            assertThat(request.runId()).isEqualTo(run.runId());
            assertThat(request.payload()).containsEntry("stream", true);
            assertThat(response.parentEventId()).isEqualTo(request.eventId());
            assertThat(response.payload()).containsEntry("response_text", "Hello").containsEntry("finish_reason", "stop")
                    .containsKey("time_to_first_token_ms");
            assertThat((Map<String, Object>) response.payload().get("usage")).containsEntry("prompt_tokens", 9)
                    .containsEntry("completion_tokens", 2);
        });
    }

    @Test
    void errorReachesTheApplicationAndIsRecordedWithItsStatus() {
        server.enqueue(new MockResponse().setResponseCode(401).setHeader("Content-Type", "application/json")
                .setBody(json("{'error':{'message':'Incorrect API key provided','type':'invalid_request_error',"
                        + "'code':'invalid_api_key'}}")));
        runner().run(context -> {
            assertThatThrownBy(() -> context.getBean(ChatClient.Builder.class).build().prompt().user("Hi").call()
                    .content()).isInstanceOf(RuntimeException.class);

            List<Event> events = events(context.getBean(InsideLlmClient.class), 2);
            Event request = single(events, EventType.LLM_REQUEST);
            Event error = single(events, EventType.ERROR);
            assertThat(error.parentEventId()).isEqualTo(request.eventId());
            assertThat(error.runId()).isEqualTo(request.runId());
            assertThat(error.payload()).containsEntry("error_code", "401");
            assertThat(events).noneMatch(e -> e.type() == EventType.LLM_RESPONSE);
        });
    }
}
