package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.langchain4j.InsideLlmLangChain4j;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A method tracked by the Spring annotations and called by a LangChain4j tool is that tool call's child. */
class ToolNestingTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InsideLlmAutoConfiguration.class,
                    InsideLlmLangChain4jAutoConfiguration.class))
            .withUserConfiguration(Beans.class);

    interface Assistant {
        String chat(String message);
    }

    /** An application bean whose method the annotation records. */
    public static class Orders {
        @TrackFunction(name = "orders.find")
        public String find(String order) {
            return "order " + order + " shipped";
        }
    }

    /** A LangChain4j tool that uses the bean. */
    static final class OrderTools {
        private final Orders orders;

        OrderTools(Orders orders) {
            this.orders = orders;
        }

        @Tool("Looks an order up")
        String lookUp(String order) {
            return orders.find(order);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        RecordingExporter recordingExporter() {
            return new RecordingExporter();
        }

        @Bean
        Orders orders() {
            return new Orders();
        }
    }

    /** A model that asks for the tool once, then answers; it calls its listeners as every LangChain4j model does. */
    private static ChatModel scriptedModel(ChatModelListener listener) {
        return new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                boolean toolDone = request.messages().stream().anyMatch(m -> m instanceof ToolExecutionResultMessage);
                AiMessage reply = toolDone ? AiMessage.from("Order 7 has shipped.")
                        : AiMessage.from(List.of(ToolExecutionRequest.builder().id("call_1").name("lookUp")
                                .arguments("{\"order\":\"7\"}").build()));
                return ChatResponse.builder().aiMessage(reply).build();
            }

            @Override
            public List<ChatModelListener> listeners() {
                return List.of(listener);
            }
        };
    }

    @Test
    void anAnnotatedMethodCalledByAToolIsRecordedAsTheToolCallsChild() {
        runner.run(context -> {
            InsideLlmLangChain4j integration = context.getBean(InsideLlmLangChain4j.class);
            Assistant assistant = integration.register(AiServices.builder(Assistant.class))
                    .chatModel(scriptedModel(integration.chatModelListener()))
                    .tools(new OrderTools(context.getBean(Orders.class)))
                    .build();

            assertThat(assistant.chat("Where is order 7?")).isEqualTo("Order 7 has shipped.");
            assertThat(InsideLlmContext.current()).isNull();

            assertThat(context.getBean(InsideLlmClient.class).flush(Duration.ofSeconds(10))).isTrue();
            RecordingExporter events = context.getBean(RecordingExporter.class);
            Event toolCall = events.single(EventType.TOOL_CALL);
            Event function = events.single(EventType.FUNCTION_EXECUTION);
            assertThat(function.parentEventId()).isEqualTo(toolCall.eventId());
            assertThat(function.runId()).isEqualTo(toolCall.runId());
            assertThat(function.payload()).containsEntry("function_name", "orders.find")
                    .containsEntry("return_value", "order 7 shipped");
            // Joined the conversation's run: the annotation started no run of its own.
            assertThat(events.ofType(EventType.RUN_START)).extracting(Event::runId).containsExactly(toolCall.runId());
        });
    }

    @Test
    void theIdleTimeOfLangChain4jRunsIsAProperty() {
        runner.withPropertyValues("insidellm.langchain4j.run-idle-timeout=10ms").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class)
                    .rootCause().hasMessage("runIdleTimeout must be between 1 second and 30 days, but was PT0.01S");
        });
        runner.withPropertyValues("insidellm.langchain4j.run-idle-timeout=5m")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(InsideLlmLangChain4j.class));
    }
}
