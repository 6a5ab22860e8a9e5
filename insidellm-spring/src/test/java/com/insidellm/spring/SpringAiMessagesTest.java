package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.threading.ConversationThreads;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;

class SpringAiMessagesTest {

    @Test
    void threadsAPlainConversationAsItsChatFormatDoes() {
        List<Message> messages = List.of(new SystemMessage("  You are   a helpful\tanalyst. "),
                new UserMessage("Summarise\n\nthe report."), new AssistantMessage("It grew  by 4 %."),
                new UserMessage("And the costs?"));

        List<ConversationThreads.Message> direct = SpringAiMessages.conversation(messages);

        assertThat(direct).isEqualTo(ConversationThreads.Message.fromChat(SpringAiMessages.messages(messages)));
        assertThat(direct.get(0)).hasToString("system:You are a helpful analyst.");
    }

    @Test
    void threadsToolCallsAndResultsAsTheirChatFormatDoes() {
        List<Message> messages = List.of(new SystemMessage("You answer with tools."),
                new UserMessage("Weather in Paris?"),
                AssistantMessage.builder().content("").toolCalls(List.of(new AssistantMessage.ToolCall("call_1",
                        "function", "weather", "{\"city\": \"Paris\"}"))).build(),
                ToolResponseMessage.builder().responses(List.of(new ToolResponseMessage.ToolResponse("call_1",
                        "weather", "sunny"))).build());

        List<ConversationThreads.Message> threaded = SpringAiMessages.conversation(messages);

        assertThat(threaded).isEqualTo(ConversationThreads.Message.fromChat(SpringAiMessages.messages(messages)));
        assertThat(threaded.get(2).toString()).contains("call weather");
        assertThat(threaded.get(3)).hasToString("tool:weather sunny");
    }

    @Test
    void aSystemPromptThatChangesBetweenRequestsIsReadAgain() {
        ConversationThreads.Message first = SpringAiMessages.conversation(List.of(new SystemMessage("Prompt A"))).get(0);
        ConversationThreads.Message second = SpringAiMessages.conversation(List.of(new SystemMessage("Prompt B")))
                .get(0);
        ConversationThreads.Message again = SpringAiMessages.conversation(
                List.of(new SystemMessage(new String("Prompt A".toCharArray())))).get(0);

        assertThat(first).hasToString("system:Prompt A");
        assertThat(second).hasToString("system:Prompt B");
        assertThat(again).isEqualTo(first);
    }
}
