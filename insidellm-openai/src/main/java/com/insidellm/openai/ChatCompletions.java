package com.insidellm.openai;

import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.modelcall.StreamAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import com.openai.models.completions.CompletionUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Maps the Chat Completions API ({@code client.chat().completions()}) to InsideLLM's request and response fields.
 * Messages, tools and tool calls are recorded in their wire form, which is the OpenAI chat format every integration
 * records. Every method tolerates missing parts.
 */
final class ChatCompletions {

    private ChatCompletions() {
    }

    /** The request: model, prompt, messages, system message, parameters, tools and tool choice. */
    static ModelCallRecorder.Request request(ChatCompletionCreateParams params, boolean stream) {
        List<ChatCompletionMessageParam> input = params.messages();
        List<Map<String, @Nullable Object>> messages = new ArrayList<>(input.size());
        String system = null;
        for (ChatCompletionMessageParam message : input) {
            Map<String, @Nullable Object> map = message(message);
            if (system == null && ("system".equals(map.get("role")) || "developer".equals(map.get("role")))) {
                system = OpenAiJson.text(map.get("content"));
            }
            messages.add(map);
        }
        String model = params.model().asString();
        Map<String, Object> parameters = new LinkedHashMap<>();
        params.temperature().ifPresent(v -> parameters.put("temperature", v));
        params.topP().ifPresent(v -> parameters.put("top_p", v));
        params.frequencyPenalty().ifPresent(v -> parameters.put("frequency_penalty", v));
        params.presencePenalty().ifPresent(v -> parameters.put("presence_penalty", v));
        Optional<Long> maxTokens = params.maxCompletionTokens().or(params::maxTokens);
        maxTokens.ifPresent(v -> parameters.put("max_tokens", v));
        params.stop().ifPresent(stop -> parameters.put("stop", stop.isString() ? List.of(stop.asString())
                : stop.isStrings() ? List.copyOf(stop.asStrings()) : OpenAiJson.value(stop)));
        params.seed().ifPresent(v -> parameters.put("seed", v));
        params.n().ifPresent(v -> parameters.put("n", v));
        params.reasoningEffort().ifPresent(v -> parameters.put("reasoning_effort", v.asString()));
        params.parallelToolCalls().ifPresent(v -> parameters.put("parallel_tool_calls", v));
        params.responseFormat().ifPresent(format -> {
            Object wire = OpenAiJson.value(format);
            parameters.put("response_format", wire instanceof Map<?, ?> m && m.get("type") != null ? m.get("type")
                    : wire);
        });
        params.serviceTier().ifPresent(v -> parameters.put("service_tier", v.asString()));

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("call_type", "chat");
        params.tools().filter(tools -> !tools.isEmpty()).ifPresent(tools -> {
            List<Map<String, @Nullable Object>> out = new ArrayList<>(tools.size());
            for (ChatCompletionTool tool : tools) {
                out.add(OpenAiJson.cached(tool));
            }
            extras.put("tools", out);
        });
        params.toolChoice().ifPresent(choice -> {
            Object wire = choice.isAuto() ? choice.asAuto().asString() : OpenAiJson.value(choice);
            if (wire != null) {
                extras.put("tool_choice", wire);
            }
        });
        return new ModelCallRecorder.Request(new Payload.LlmRequest(model, OpenAiCalls.PROVIDER, prompt(messages),
                parameters.isEmpty() ? null : parameters, system, messages), extras, stream);
    }

    /** One message in the OpenAI chat format; plain text messages without going through JSON. */
    private static Map<String, @Nullable Object> message(ChatCompletionMessageParam message) {
        Map<String, @Nullable Object> map;
        if (message.isUser() && message.asUser().content().isText()) {
            ChatCompletionUserMessageParam user = message.asUser();
            map = new LinkedHashMap<>();
            map.put("role", "user");
            map.put("content", user.content().asText());
            user.name().ifPresent(name -> map.put("name", name));
        } else if (message.isSystem() && message.asSystem().content().isText()
                && message.asSystem().name().isEmpty()) {
            map = new LinkedHashMap<>();
            map.put("role", "system");
            map.put("content", message.asSystem().content().asText());
        } else {
            map = OpenAiJson.map(message);
        }
        return map;
    }

    /** The prompt: the text of the last user message, else of the last message with text. */
    static String prompt(List<Map<String, @Nullable Object>> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).get("role"))) {
                String text = OpenAiJson.text(messages.get(i).get("content"));
                return text == null ? "" : text;
            }
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            String text = OpenAiJson.text(messages.get(i).get("content"));
            if (text != null && !text.isEmpty()) {
                return text;
            }
        }
        return "";
    }

    /** The response of a non-streaming call: its first choice, usage, id and model. */
    static LlmCallResult result(ChatCompletion completion) {
        String text = "";
        Map<String, @Nullable Object> message = null;
        String finishReason = null;
        // Each SDK accessor checks its field, so every one is read once (this runs on the caller's thread).
        List<ChatCompletion.Choice> choices = completion.choices();
        if (!choices.isEmpty()) {
            ChatCompletion.Choice choice = choices.get(0);
            ChatCompletionMessage answer = choice.message();
            String content = answer.content().orElse(null);
            String refusal = answer.refusal().orElse(null);
            text = content != null ? content : refusal != null ? refusal : "";
            message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", content);
            Optional<List<ChatCompletionMessageToolCall>> calls = answer.toolCalls();
            if (calls.isPresent() && !calls.get().isEmpty()) {
                List<Map<String, @Nullable Object>> toolCalls = new ArrayList<>(calls.get().size());
                for (ChatCompletionMessageToolCall call : calls.get()) {
                    toolCalls.add(OpenAiJson.map(call));
                }
                message.put("tool_calls", toolCalls);
            }
            if (refusal != null) {
                message.put("refusal", refusal);
            }
            finishReason = choice.finishReason().asString();
        }
        Optional<CompletionUsage> usage = completion.usage();
        return LlmCallResult.builder(text).responseMessage(message).finishReason(finishReason)
                .usage(usage.isPresent() ? usage(usage.get()) : null)
                .responseId(completion.id()).responseModel(completion.model()).build();
    }

    static TokenUsage usage(CompletionUsage usage) {
        // Plain tests instead of Optional chains: this runs on the caller's thread after every call.
        Integer cached = null;
        Optional<CompletionUsage.PromptTokensDetails> prompt = usage.promptTokensDetails();
        if (prompt.isPresent()) {
            Optional<Long> tokens = prompt.get().cachedTokens();
            cached = tokens.isPresent() ? tokens.get().intValue() : null;
        }
        Integer reasoning = null;
        Optional<CompletionUsage.CompletionTokensDetails> completion = usage.completionTokensDetails();
        if (completion.isPresent()) {
            Optional<Long> tokens = completion.get().reasoningTokens();
            reasoning = tokens.isPresent() ? tokens.get().intValue() : null;
        }
        return new TokenUsage((int) usage.promptTokens(), (int) usage.completionTokens(), (int) usage.totalTokens(),
                cached, reasoning);
    }

    /**
     * Assembles a streamed answer from its chunks: the first choice's text, refusal and tool calls (whose id, name
     * and argument pieces arrive spread over chunks, keyed by index), the finish reason, and the usage chunk that
     * OpenAI sends last when {@code stream_options.include_usage} is set. Used by one stream at a time.
     */
    static final class Accumulator implements StreamAccumulator<ChatCompletionChunk> {
        private final StringBuilder text = new StringBuilder();
        private @Nullable StringBuilder refusal;
        private final TreeMap<Long, ToolCallParts> toolCalls = new TreeMap<>();
        private @Nullable String finishReason;
        private @Nullable TokenUsage usage;
        private @Nullable String id;
        private @Nullable String model;

        @Override
        public boolean accept(ChatCompletionChunk chunk) {
            if (id == null) {
                id = chunk.id();
                model = chunk.model();
            }
            chunk.usage().ifPresent(u -> usage = usage(u));
            boolean token = false;
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                if (choice.index() != 0) {
                    continue;
                }
                ChatCompletionChunk.Choice.Delta delta = choice.delta();
                Optional<String> content = delta.content();
                if (content.isPresent() && !content.get().isEmpty()) {
                    text.append(content.get());
                    token = true;
                }
                Optional<String> refused = delta.refusal();
                if (refused.isPresent() && !refused.get().isEmpty()) {
                    (refusal == null ? refusal = new StringBuilder() : refusal).append(refused.get());
                    token = true;
                }
                for (ChatCompletionChunk.Choice.Delta.ToolCall call : delta.toolCalls().orElse(List.of())) {
                    ToolCallParts parts = toolCalls.computeIfAbsent(call.index(), i -> new ToolCallParts());
                    call.id().ifPresent(v -> parts.id = v);
                    call.function().ifPresent(f -> {
                        f.name().ifPresent(v -> parts.name = v);
                        f.arguments().ifPresent(parts.arguments::append);
                    });
                    token = true;
                }
                choice.finishReason().ifPresent(reason -> finishReason = reason.asString());
            }
            return token;
        }

        @Override
        public LlmCallResult result() {
            Map<String, @Nullable Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", text.length() == 0 && (refusal != null || !toolCalls.isEmpty()) ? null
                    : text.toString());
            if (!toolCalls.isEmpty()) {
                List<Map<String, Object>> calls = new ArrayList<>(toolCalls.size());
                for (ToolCallParts parts : toolCalls.values()) {
                    calls.add(parts.toMap());
                }
                message.put("tool_calls", calls);
            }
            if (refusal != null) {
                message.put("refusal", refusal.toString());
            }
            String answer = text.length() > 0 || refusal == null ? text.toString() : refusal.toString();
            return LlmCallResult.builder(answer).responseMessage(message).finishReason(finishReason).usage(usage)
                    .responseId(id).responseModel(model).build();
        }
    }

    /** One streamed tool call being assembled. */
    static final class ToolCallParts {
        @Nullable String id;
        @Nullable String name;
        final StringBuilder arguments = new StringBuilder();

        Map<String, Object> toMap() {
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", name == null ? "" : name);
            function.put("arguments", arguments.length() == 0 ? "{}" : arguments.toString());
            Map<String, Object> call = new LinkedHashMap<>();
            if (id != null) {
                call.put("id", id);
            }
            call.put("type", "function");
            call.put("function", function);
            return call;
        }
    }
}
