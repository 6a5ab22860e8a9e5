package com.insidellm.langchain4j;

import com.insidellm.threading.ConversationThreads;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j messages as core's {@link ConversationThreads.Message}s, the neutral form automatic threading
 * fingerprints. The canonical form is the one this module fingerprinted before threading moved to core, so threading
 * files written by earlier versions still continue their conversations.
 */
final class ThreadMessages {

    private ThreadMessages() {
    }

    /** The request's messages, in order. */
    static List<ConversationThreads.Message> of(List<ChatMessage> messages) {
        List<ConversationThreads.Message> out = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            out.add(of(message));
        }
        return out;
    }

    /** One message. */
    static ConversationThreads.Message of(@Nullable ChatMessage message) {
        if (message instanceof SystemMessage system) {
            return ConversationThreads.Message.system(system.text());
        }
        if (message instanceof UserMessage user) {
            List<Content> contents = user.contents();
            if (contents.size() == 1 && contents.get(0) instanceof TextContent text) {
                return ConversationThreads.Message.user(text.text());
            }
            ConversationThreads.UserBuilder builder = ConversationThreads.Message.userBuilder();
            for (Content content : contents) {
                if (content instanceof TextContent text) {
                    builder.text(text.text());
                } else if (content instanceof ImageContent image && image.image() != null) {
                    builder.image(image.image().url() != null ? image.image().url() : image.image().base64Data());
                } else {
                    builder.other(String.valueOf(content.type()));
                }
            }
            return builder.build();
        }
        if (message instanceof AiMessage ai) {
            return answer(ai);
        }
        if (message instanceof ToolExecutionResultMessage result) {
            return ConversationThreads.Message.toolResult(result.toolName(), result.text());
        }
        if (message != null) {
            return ConversationThreads.Message.other(String.valueOf(message.type()), message.toString());
        }
        return ConversationThreads.Message.other("null", null);
    }

    /** The model's answer. */
    static ConversationThreads.Message answer(AiMessage ai) {
        if (!ai.hasToolExecutionRequests()) {
            return ConversationThreads.Message.assistant(ai.text(), List.of());
        }
        List<ConversationThreads.ToolCall> calls = new ArrayList<>(ai.toolExecutionRequests().size());
        for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
            calls.add(new ConversationThreads.ToolCall(request.name(), request.arguments()));
        }
        return ConversationThreads.Message.assistant(ai.text(), calls);
    }
}
