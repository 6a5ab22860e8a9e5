package com.insidellm.anthropic;

import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageDeltaUsage;
import com.anthropic.models.messages.RawContentBlockDelta;
import com.anthropic.models.messages.RawContentBlockStartEvent;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.Usage;
import com.insidellm.LlmCallResult;
import com.insidellm.TokenUsage;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.modelcall.StreamAccumulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads the Messages API's answers, whole ({@code Message}) or streamed ({@code RawMessageStreamEvent}s), into
 * InsideLLM's response fields; apart from {@link AnthropicMessages}, which maps requests, because the two share
 * only the chat format's tool calls. Every method tolerates missing parts.
 */
final class AnthropicAnswers {

    private AnthropicAnswers() {
    }

    /** The answer: text, tool calls, stop reason in the chat format's words, usage with cache reads, id, model. */
    static LlmCallResult result(Message message) {
        // Usually one text block: its string is the text, not copied through a builder (this runs on the caller's
        // thread, and answers are long).
        String single = null;
        StringBuilder joined = null;
        List<Map<String, Object>> toolCalls = new ArrayList<>();
        for (ContentBlock block : message.content()) {
            if (block.isText()) {
                String part = block.asText().text();
                if (joined != null) {
                    joined.append(part);
                } else if (single == null) {
                    single = part;
                } else {
                    joined = new StringBuilder(single.length() + part.length() + 16).append(single).append(part);
                }
            } else if (block.isToolUse()) {
                ToolUseBlock use = block.asToolUse();
                toolCalls.add(AnthropicMessages.toolCall(use.id(), use.name(),
                        AnthropicMessages.json(use._input().convert(Object.class))));
            }
        }
        String stopReason = message.stopReason().map(r -> r.asString()).orElse(null);
        String text = joined != null ? joined.toString() : single != null ? single : "";
        return result(text, toolCalls, stopReason, usage(message.usage()), message.id(), message.model().asString());
    }

    private static LlmCallResult result(String text, List<Map<String, Object>> toolCalls,
            @Nullable String stopReason, @Nullable TokenUsage usage, @Nullable String id, @Nullable String model) {
        Map<String, @Nullable Object> answer = AnthropicMessages.message("assistant",
                text.isEmpty() && !toolCalls.isEmpty() ? null : text);
        if (!toolCalls.isEmpty()) {
            answer.put("tool_calls", toolCalls);
        }
        return LlmCallResult.builder(text).responseMessage(answer).finishReason(finishReason(stopReason))
                .usage(usage).responseId(id).responseModel(model).build();
    }

    /** Anthropic's stop reason in the chat format's words: stop, length, tool_calls, or as it is. */
    static @Nullable String finishReason(@Nullable String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> "stop";
            case "max_tokens" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> stopReason;
        };
    }

    /**
     * Anthropic counts cache reads and writes apart from {@code input_tokens}; the prompt recorded is all input
     * tokens (uncached, cache reads and cache writes), with cache reads as the cached tokens, as the OpenAI usage
     * reports them.
     */
    static TokenUsage usage(Usage usage) {
        long cacheRead = usage.cacheReadInputTokens().orElse(0L);
        long cacheWrite = usage.cacheCreationInputTokens().orElse(0L);
        return usage(usage.inputTokens(), cacheRead, cacheWrite, usage.outputTokens(),
                usage.cacheReadInputTokens().isPresent());
    }

    private static TokenUsage usage(long input, long cacheRead, long cacheWrite, long output, boolean cacheReported) {
        int prompt = (int) (input + cacheRead + cacheWrite);
        return new TokenUsage(prompt, (int) output, prompt + (int) output,
                cacheReported ? Integer.valueOf((int) cacheRead) : null, null);
    }

    /**
     * Assembles a streamed answer from its server-sent events: {@code message_start} (id, model, input usage),
     * {@code content_block_start} and {@code content_block_delta} (text, and tool calls whose JSON input arrives in
     * pieces), {@code message_delta} (stop reason, output usage). Used by one stream at a time.
     */
    static final class Accumulator implements StreamAccumulator<RawMessageStreamEvent> {
        private final StringBuilder text = new StringBuilder();
        private final TreeMap<Long, String[]> toolCalls = new TreeMap<>();
        private final Map<Long, StringBuilder> toolInputs = new LinkedHashMap<>();
        private @Nullable String id;
        private @Nullable String model;
        private @Nullable String stopReason;
        private long input;
        private long cacheRead;
        private long cacheWrite;
        private boolean cacheReported;
        private long output;
        private boolean usageReported;

        @Override
        public boolean accept(RawMessageStreamEvent event) {
            if (event.isMessageStart()) {
                Message message = event.asMessageStart().message();
                id = message.id();
                model = message.model().asString();
                Usage usage = message.usage();
                input = usage.inputTokens();
                cacheRead = usage.cacheReadInputTokens().orElse(0L);
                cacheWrite = usage.cacheCreationInputTokens().orElse(0L);
                cacheReported = usage.cacheReadInputTokens().isPresent();
                output = usage.outputTokens();
                usageReported = true;
            } else if (event.isContentBlockStart()) {
                RawContentBlockStartEvent start = event.asContentBlockStart();
                if (start.contentBlock().isToolUse()) {
                    toolCalls.put(start.index(), new String[] {start.contentBlock().asToolUse().id(),
                            start.contentBlock().asToolUse().name()});
                    toolInputs.put(start.index(), new StringBuilder());
                    return true;
                }
                if (start.contentBlock().isText() && !start.contentBlock().asText().text().isEmpty()) {
                    text.append(start.contentBlock().asText().text());
                    return true;
                }
            } else if (event.isContentBlockDelta()) {
                RawContentBlockDelta delta = event.asContentBlockDelta().delta();
                if (delta.isText()) {
                    text.append(delta.asText().text());
                } else if (delta.isInputJson()) {
                    toolInputs.computeIfAbsent(event.asContentBlockDelta().index(), i -> new StringBuilder())
                            .append(delta.asInputJson().partialJson());
                }
                return delta.isText() || delta.isInputJson() || delta.isThinking();
            } else if (event.isMessageDelta()) {
                event.asMessageDelta().delta().stopReason().ifPresent(r -> stopReason = r.asString());
                MessageDeltaUsage usage = event.asMessageDelta().usage();
                output = usage.outputTokens();
                usage.inputTokens().ifPresent(v -> input = v);
                usage.cacheReadInputTokens().ifPresent(v -> {
                    cacheRead = v;
                    cacheReported = true;
                });
                usage.cacheCreationInputTokens().ifPresent(v -> cacheWrite = v);
                usageReported = true;
            }
            return false;
        }

        @Override
        public LlmCallResult result() {
            List<Map<String, Object>> calls = new ArrayList<>(toolCalls.size());
            for (Map.Entry<Long, String[]> call : toolCalls.entrySet()) {
                StringBuilder arguments = toolInputs.get(call.getKey());
                calls.add(AnthropicMessages.toolCall(call.getValue()[0], call.getValue()[1],
                        arguments == null || arguments.length() == 0 ? "{}" : arguments.toString()));
            }
            return AnthropicAnswers.result(text.toString(), calls, stopReason,
                    usageReported ? usage(input, cacheRead, cacheWrite, output, cacheReported) : null, id, model);
        }
    }
}
