package com.insidellm.googlegenai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.insidellm.LlmCallResult;
import com.insidellm.TokenUsage;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.modelcall.StreamAccumulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Reads the Gemini API's answers ({@code GenerateContentResponse}, whole or streamed chunk by chunk) into InsideLLM's
 * response fields, token by token, as {@link GeminiRequest} reads requests. Every method tolerates missing parts.
 */
final class GeminiAnswer {

    private GeminiAnswer() {
    }

    /**
     * Assembles an answer from one response body (plain call) or from each streamed chunk: the first candidate's
     * text and function calls, its finish reason, the last usage reported, response id and model version. Reads the
     * JSON as a stream of tokens and skips what is not recorded, so the ~1 KB answer is not built into a tree the
     * SDK has already parsed once. Used by one call at a time.
     */
    static final class Accumulator implements StreamAccumulator<String> {
        private final Text text = new Text();
        private final List<Map<String, Object>> toolCalls = new ArrayList<>();
        private @Nullable String finishReason;
        private @Nullable TokenUsage usage;
        private @Nullable String id;
        private @Nullable String model;
        private @Nullable RuntimeException failure;

        /** One streamed chunk, the JSON of a {@code data:} line; a chunk that is not JSON is skipped. */
        @Override
        public boolean accept(String chunk) {
            try (JsonParser parser = GeminiWire.JSON.createParser(chunk)) {
                return read(parser);
            } catch (java.io.IOException e) {
                // Nothing of it was applied (a chunk counts once read whole): the stream goes on being followed.
                LoggerFactory.getLogger(GeminiAnswer.class).debug("InsideLLM could not read a Gemini stream event", e);
                return false;
            }
        }

        /** Reads one {@code GenerateContentResponse}; returns whether it carried output (text, thoughts, calls). */
        boolean read(JsonParser parser) throws java.io.IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            // Applied only when the chunk reports no error, wherever its "error" field comes.
            Chunk chunk = new Chunk();
            JsonNode error = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "error" -> error = tree(parser);
                    case "responseId" -> chunk.id = value == JsonToken.VALUE_NULL ? chunk.id : text(parser);
                    case "modelVersion" -> chunk.model = value == JsonToken.VALUE_NULL ? chunk.model : text(parser);
                    case "usageMetadata" -> chunk.usage = usage(parser);
                    case "candidates" -> chunk.readCandidates(parser);
                    default -> parser.skipChildren();
                }
            }
            if (error != null) {
                failure = new GeminiStreamException(error.path("code").asInt(), error.path("status").asText(),
                        error.path("message").asText("the stream reported an error"));
                return false;
            }
            if (chunk.id != null) {
                id = chunk.id;
            }
            if (chunk.model != null) {
                model = chunk.model;
            }
            if (chunk.usage != null) {
                usage = chunk.usage;
            }
            String chunkText = chunk.text.value();
            if (chunkText != null) {
                text.append(chunkText);
            }
            toolCalls.addAll(chunk.toolCalls);
            if (chunk.finishReason != null) {
                finishReason = chunk.finishReason;
            }
            return chunk.output;
        }

        @Override
        public @Nullable RuntimeException failure() {
            return failure;
        }

        @Override
        public LlmCallResult result() {
            String value = text.value();
            String all = value == null ? "" : value;
            Map<String, @Nullable Object> message = GeminiWire.message("assistant",
                    all.isEmpty() && !toolCalls.isEmpty() ? null : all);
            if (!toolCalls.isEmpty()) {
                message.put("tool_calls", toolCalls);
            }
            return LlmCallResult.builder(all).responseMessage(message)
                    .finishReason(finishReason(finishReason, !toolCalls.isEmpty())).usage(usage).responseId(id)
                    .responseModel(model).build();
        }
    }

    /**
     * Text joined from pieces, without a copy while there is one piece: a plain answer's text is one string, read
     * once from the body and recorded as it is.
     */
    private static final class Text {
        private @Nullable String single;
        private @Nullable StringBuilder joined;

        void append(String piece) {
            if (joined != null) {
                joined.append(piece);
            } else if (single == null) {
                single = piece;
            } else {
                // A stream's chunks: joined in one builder, never string by string.
                joined = new StringBuilder(single).append(piece);
                single = null;
            }
        }

        /** The text so far, {@code null} when nothing was appended. */
        @Nullable String value() {
            return joined != null ? joined.toString() : single;
        }
    }

    /** What one response chunk says, read token by token. */
    private static final class Chunk {
        final Text text = new Text();
        final List<Map<String, Object>> toolCalls = new ArrayList<>(0);
        @Nullable String finishReason;
        @Nullable TokenUsage usage;
        @Nullable String id;
        @Nullable String model;
        boolean output;

        /** The first candidate's parts and finish reason; the other candidates are skipped. */
        void readCandidates(JsonParser parser) throws java.io.IOException {
            if (parser.currentToken() != JsonToken.START_ARRAY) {
                parser.skipChildren();
                return;
            }
            boolean first = true;
            JsonToken element;
            while ((element = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (!first || element != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                } else {
                    readCandidate(parser);
                }
                first = false;
            }
        }

        private void readCandidate(JsonParser parser) throws java.io.IOException {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("content") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        if (parser.nextToken() == JsonToken.START_ARRAY && name.equals("parts")) {
                            while (parser.nextToken() != JsonToken.END_ARRAY) {
                                readPart(parser);
                            }
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else if (field.equals("finishReason") && value != JsonToken.VALUE_NULL) {
                    finishReason = text(parser);
                } else {
                    parser.skipChildren();
                }
            }
        }

        /** One part: a thought counts as output but is not recorded; else its text, else its function call. */
        private void readPart(JsonParser parser) throws java.io.IOException {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                return;
            }
            boolean thought = false;
            String partText = null;
            JsonNode call = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "thought" -> thought = value == JsonToken.VALUE_TRUE
                            || value != JsonToken.VALUE_FALSE && tree(parser).asBoolean(false);
                    case "text" -> partText = text(parser);
                    case "functionCall" -> call = tree(parser);
                    default -> parser.skipChildren();
                }
            }
            if (thought) {
                output = true;
            } else if (partText != null) {
                text.append(partText);
                output = true;
            } else if (call != null) {
                toolCalls.add(GeminiWire.toolCall(call));
                output = true;
            }
        }
    }

    /** The value at the parser as {@link JsonNode#asText()} gives it; scalars without building a node. */
    private static String text(JsonParser parser) throws java.io.IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return "null";
        }
        return token.isScalarValue() ? parser.getText() : tree(parser).asText();
    }

    /** A count as {@link JsonNode#asInt()} gives it: null counts 0. */
    private static int count(JsonParser parser) throws java.io.IOException {
        JsonToken token = parser.currentToken();
        return token == JsonToken.VALUE_NUMBER_INT ? parser.getIntValue()
                : token == JsonToken.VALUE_NULL ? 0 : tree(parser).asInt();
    }

    /** The value at the parser as a tree (small values: usage, an error, a function call, a scalar). */
    private static JsonNode tree(JsonParser parser) throws java.io.IOException {
        JsonNode node = parser.readValueAsTree();
        return node == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : node;
    }

    /** Gemini's finish reason in the chat format's words: stop, tool_calls, length, content_filter, or lower case. */
    static @Nullable String finishReason(@Nullable String reason, boolean toolCalls) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "STOP" -> toolCalls ? "tool_calls" : "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> reason.toLowerCase(Locale.ROOT);
        };
    }

    /**
     * Gemini's usage: the prompt count includes cached tokens; thinking tokens are counted apart from the candidates,
     * so the completion recorded is candidates plus thoughts (billed as output), the thoughts as reasoning tokens.
     */
    static TokenUsage usage(JsonParser parser) throws java.io.IOException {
        Integer prompt = null;
        Integer thoughts = null;
        Integer candidates = null;
        Integer total = null;
        Integer cached = null;
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
        } else {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "promptTokenCount" -> prompt = count(parser);
                    case "thoughtsTokenCount" -> thoughts = count(parser);
                    case "candidatesTokenCount" -> candidates = count(parser);
                    case "totalTokenCount" -> total = count(parser);
                    case "cachedContentTokenCount" -> cached = count(parser);
                    default -> parser.skipChildren();
                }
            }
        }
        Integer completion = candidates == null && thoughts == null ? null
                : (candidates == null ? 0 : candidates) + (thoughts == null ? 0 : thoughts);
        return new TokenUsage(prompt, completion, total, cached, thoughts);
    }

    /** An error a Gemini stream reported in its body, as recorded (never thrown). */
    static final class GeminiStreamException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        GeminiStreamException(int code, String status, String message) {
            super(code + " " + status + ". " + message, null, false, false);
            this.code = code;
        }

        int code() {
            return code;
        }
    }
}
