package com.insidellm.spring;

import com.insidellm.LlmCallResult;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import com.insidellm.threading.ConversationThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Describes Spring AI prompts and responses in the OpenAI chat format that every integration records. Uses only the
 * parts of Spring AI's API that are the same in 1.1 and 2.0 ({@code Message.getText()}, {@code ChatOptions} getters,
 * {@code Usage} prompt and completion tokens). Stateless.
 */
final class SpringAiMessages {

    private SpringAiMessages() {
    }

    /** The provider of a chat model, from its class name: {@code OpenAiChatModel} is {@code openai}. */
    static String provider(ChatModel model) {
        String name = model.getClass().getSimpleName();
        int end = name.indexOf("ChatModel");
        String provider = end > 0 ? name.substring(0, end) : name;
        return provider.isEmpty() ? "spring-ai" : provider.toLowerCase(Locale.ROOT);
    }

    /**
     * What a request's description reads from its prompt, taken when the call is made: the messages (a copy of the
     * list; Spring AI's messages themselves are immutable) and the options' values, because an application may reuse
     * its message list and its {@code ChatOptions} object, changed, for the next call. The request is described from
     * it later, off the caller's thread.
     *
     * @param messages the prompt's messages
     * @param model the model asked for: the prompt's, else the model's default
     * @param options the prompt's options, else the model's defaults
     * @param tools the tools the prompt's options offer
     */
    record Sent(List<Message> messages, @Nullable String model, Options options, List<ToolCallback> tools) {

        /** The request of {@code prompt} to a model whose default options are {@code defaults}. */
        static Sent of(Prompt prompt, Options defaults) {
            ChatOptions options = prompt.getOptions();
            Options given = options == null ? defaults : Options.of(options);
            String model = first(given.model(), defaults.model());
            List<ToolCallback> tools = List.of();
            if (options instanceof ToolCallingChatOptions toolOptions && toolOptions.getToolCallbacks() != null
                    && !toolOptions.getToolCallbacks().isEmpty()) {
                tools = List.copyOf(toolOptions.getToolCallbacks());
            }
            return new Sent(Arrays.asList(prompt.getInstructions().toArray(new Message[0])), model, given, tools);
        }

        /** Roughly the size of the request's JSON, for the client's queue bound. */
        int estimatedBytes() {
            int bytes = 512 + 256 * tools.size();
            for (Message message : messages) {
                String text = message == null ? null : message.getText();
                bytes += 64 + (text == null ? 0 : text.length());
            }
            return bytes;
        }
    }

    /**
     * The values of a {@code ChatOptions} that a request records, read once (no map: the parameters' map is built when
     * the request is described).
     */
    record Options(@Nullable String model, @Nullable Object temperature, @Nullable Object topP,
            @Nullable Object topK, @Nullable Object maxTokens, @Nullable Object frequencyPenalty,
            @Nullable Object presencePenalty, @Nullable List<String> stop) {

        static final Options NONE = new Options(null, null, null, null, null, null, null, null);

        static Options of(ChatOptions options) {
            List<String> stop = options.getStopSequences();
            return new Options(options.getModel(), options.getTemperature(), options.getTopP(), options.getTopK(),
                    options.getMaxTokens(), options.getFrequencyPenalty(), options.getPresencePenalty(),
                    stop == null || stop.isEmpty() ? null : List.copyOf(stop));
        }

        /** Temperature, top_p, top_k, max_tokens, penalties and stop sequences that are set. */
        Map<String, Object> parameters() {
            Map<String, Object> parameters = new LinkedHashMap<>();
            put(parameters, "temperature", temperature);
            put(parameters, "top_p", topP);
            put(parameters, "top_k", topK);
            put(parameters, "max_tokens", maxTokens);
            put(parameters, "frequency_penalty", frequencyPenalty);
            put(parameters, "presence_penalty", presencePenalty);
            put(parameters, "stop", stop);
            return parameters;
        }

        /** The default options of {@code model}, or {@link #NONE} when it has none. */
        static Options defaults(ChatModel model) {
            ChatOptions defaults;
            try {
                defaults = model.getDefaultOptions();
            } catch (RuntimeException e) {
                // Some models have no default options; the prompt's are enough.
                return NONE;
            }
            return defaults == null ? NONE : of(defaults);
        }
    }

    /**
     * The messages of a request as automatic threading reads them: built straight from Spring AI's system, user and
     * plain assistant messages, the same {@link ConversationThreads.Message}s as
     * {@link ConversationThreads.Message#fromChat} makes of {@link #messages}; any other request (tool calls, tool
     * results, other types) goes through the chat format.
     */
    static List<ConversationThreads.Message> conversation(List<Message> messages) {
        List<ConversationThreads.Message> out = new ArrayList<>(messages.size());
        for (Message message : messages) {
            ConversationThreads.Message direct = direct(message);
            if (direct == null) {
                return ConversationThreads.Message.fromChat(messages(messages));
            }
            out.add(direct);
        }
        return out;
    }

    private static ConversationThreads.@Nullable Message direct(@Nullable Message message) {
        if (message == null || message instanceof ToolResponseMessage) {
            return null;
        }
        if (message instanceof AssistantMessage assistant) {
            return assistant.getToolCalls() == null || assistant.getToolCalls().isEmpty()
                    ? ConversationThreads.Message.assistant(message.getText(), List.of()) : null;
        }
        MessageType type = message.getMessageType();
        if (type == MessageType.SYSTEM) {
            return ConversationThreads.Message.system(message.getText());
        }
        return type == MessageType.USER ? ConversationThreads.Message.user(message.getText()) : null;
    }

    /** The messages of a request in the OpenAI chat format. */
    static List<Map<String, @Nullable Object>> messages(List<Message> messages) {
        List<Map<String, @Nullable Object>> out = new ArrayList<>(messages.size());
        for (Message message : messages) {
            out.add(message(message));
        }
        return out;
    }

    /** The request of a call to a model of {@code provider}: model, messages, parameters, tools offered. */
    static ModelCallRecorder.Request request(String provider, Sent sent, boolean stream) {
        List<Map<String, @Nullable Object>> messages = messages(sent.messages());
        String system = null;
        String lastUser = null;
        for (Message message : sent.messages()) {
            if (system == null && message.getMessageType() == MessageType.SYSTEM) {
                system = message.getText();
            }
            if (message.getMessageType() == MessageType.USER) {
                lastUser = message.getText();
            }
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("call_type", "chat");
        extras.put("framework", "spring-ai");
        List<Map<String, Object>> tools = tools(sent.tools());
        if (!tools.isEmpty()) {
            extras.put("tools", tools);
        }
        Map<String, Object> parameters = sent.options().parameters();
        return new ModelCallRecorder.Request(new Payload.LlmRequest(sent.model() == null ? "unknown" : sent.model(),
                provider, lastUser == null ? "" : lastUser, parameters.isEmpty() ? null : parameters, system,
                messages), extras, stream);
    }

    private static List<Map<String, Object>> tools(List<ToolCallback> callbacks) {
        if (callbacks.isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> tools = new ArrayList<>();
        for (ToolCallback callback : callbacks) {
            ToolDefinition definition = callback.getToolDefinition();
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", definition.name());
            if (definition.description() != null) {
                function.put("description", definition.description());
            }
            if (definition.inputSchema() != null) {
                function.put("parameters_schema", definition.inputSchema());
            }
            tools.add(Map.of("type", "function", "function", function));
        }
        return tools;
    }

    /** One message in the OpenAI chat format. */
    static Map<String, @Nullable Object> message(Message message) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        MessageType type = message.getMessageType();
        if (message instanceof ToolResponseMessage tools) {
            // The OpenAI format has one message per tool result; Spring AI puts them all in one.
            List<ToolResponseMessage.ToolResponse> responses = tools.getResponses();
            if (responses.size() == 1) {
                map.put("role", "tool");
                map.put("tool_call_id", responses.get(0).id());
                map.put("name", responses.get(0).name());
                map.put("content", responses.get(0).responseData());
                return map;
            }
            map.put("role", "tool");
            List<Map<String, @Nullable Object>> results = new ArrayList<>();
            for (ToolResponseMessage.ToolResponse response : responses) {
                Map<String, @Nullable Object> result = new LinkedHashMap<>();
                result.put("tool_call_id", response.id());
                result.put("name", response.name());
                result.put("content", response.responseData());
                results.add(result);
            }
            map.put("content", results);
            return map;
        }
        if (message instanceof AssistantMessage assistant) {
            return assistant(message.getText(), assistant.getToolCalls());
        }
        map.put("role", type == null ? "user" : type.getValue());
        map.put("content", message.getText());
        return map;
    }

    /**
     * An assistant message with its tool calls. (Built as a map rather than through {@code AssistantMessage.builder()},
     * whose binary signature changed in Spring AI 2.0.)
     */
    static Map<String, @Nullable Object> assistant(@Nullable String text,
            List<AssistantMessage.@Nullable ToolCall> calls) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        map.put("role", "assistant");
        map.put("content", text);
        if (calls != null && !calls.isEmpty()) {
            map.put("tool_calls", toolCalls(calls));
        }
        return map;
    }

    private static List<Map<String, Object>> toolCalls(List<AssistantMessage.@Nullable ToolCall> calls) {
        List<Map<String, Object>> out = new ArrayList<>(calls.size());
        for (AssistantMessage.ToolCall call : calls) {
            if (call == null) {
                continue;
            }
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", call.name());
            function.put("arguments", call.arguments() == null ? "" : call.arguments());
            Map<String, Object> map = new LinkedHashMap<>();
            if (call.id() != null) {
                map.put("id", call.id());
            }
            map.put("type", call.type() == null ? "function" : call.type());
            map.put("function", function);
            out.add(map);
        }
        return out;
    }

    /** Roughly the size of the answer's JSON, for the client's queue bound. */
    static int estimatedBytes(ChatResponse response) {
        Generation generation = response.getResult();
        String text = generation == null || generation.getOutput() == null ? null : generation.getOutput().getText();
        return 512 + (text == null ? 0 : text.length());
    }

    /** The answer: first generation's text and tool calls, finish reason, usage, id and model. */
    static LlmCallResult result(ChatResponse response) {
        String text = "";
        Map<String, @Nullable Object> message = null;
        String finishReason = null;
        Generation generation = response.getResult();
        if (generation != null && generation.getOutput() != null) {
            message = message(generation.getOutput());
            text = generation.getOutput().getText() == null ? "" : generation.getOutput().getText();
            if (generation.getMetadata() != null) {
                finishReason = normalise(generation.getMetadata().getFinishReason());
            }
        }
        ChatResponseMetadata metadata = response.getMetadata();
        return LlmCallResult.builder(text).responseMessage(message).finishReason(finishReason)
                .usage(metadata == null ? null : usage(metadata.getUsage()))
                .responseId(metadata == null ? null : empty(metadata.getId()))
                .responseModel(metadata == null ? null : empty(metadata.getModel())).build();
    }

    static @Nullable TokenUsage usage(@Nullable Usage usage) {
        if (usage == null || usage.getPromptTokens() == null && usage.getCompletionTokens() == null) {
            return null;
        }
        Integer prompt = usage.getPromptTokens();
        Integer completion = usage.getCompletionTokens();
        // Spring AI's EmptyUsage reports zeros: a response without usage.
        if ((prompt == null || prompt == 0) && (completion == null || completion == 0)) {
            return null;
        }
        return new TokenUsage(prompt, completion, usage.getTotalTokens(), null, null);
    }

    /** Spring AI upper-cases OpenAI's finish reasons ({@code STOP}); the wire format has them lower case. */
    static @Nullable String normalise(@Nullable String finishReason) {
        return finishReason == null || finishReason.isEmpty() ? null : finishReason.toLowerCase(Locale.ROOT);
    }

    private static @Nullable String empty(@Nullable String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static @Nullable String first(@Nullable String a, @Nullable String b) {
        return a != null && !a.isEmpty() ? a : b;
    }

    private static void put(Map<String, Object> map, String key, @Nullable Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
