package com.insidellm.internal;

import com.insidellm.Payload;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * Estimates the JSON size of a typed payload from its components, without building its map: the queue's byte bound
 * needs an estimate on the caller's thread, and the map is only built on the flusher.
 */
public final class PayloadSizes {

    /** Key names, punctuation and small scalar fields of a payload, roughly. */
    private static final int FIXED = 160;

    private PayloadSizes() {
    }

    /** The estimated JSON size of a typed payload. */
    public static int estimate(Payload p) {
        if (p instanceof Payload.LlmResponse x) {
            return FIXED + s(x.modelName()) + s(x.provider()) + s(x.responseText()) + s(x.finishReason()) + 96;
        } else if (p instanceof Payload.LlmRequest x) {
            return FIXED + s(x.modelName()) + s(x.provider()) + s(x.prompt()) + o(x.parameters())
                    + s(x.systemMessage()) + o(x.messages());
        } else if (p instanceof Payload.UserInput x) {
            return FIXED + s(x.inputText()) + s(x.inputType()) + s(x.channel()) + o(x.sessionContext());
        } else if (p instanceof Payload.AgentResponse x) {
            return FIXED + s(x.responseText()) + s(x.responseType()) + o(x.responseMetadata());
        } else if (p instanceof Payload.ToolCall x) {
            return FIXED + s(x.toolName()) + s(x.toolType()) + o(x.parameters()) + s(x.callId());
        } else if (p instanceof Payload.ToolResponse x) {
            return FIXED + s(x.toolName()) + s(x.toolType()) + s(x.callId()) + o(x.responseData())
                    + s(x.errorMessage());
        } else if (p instanceof Payload.LlmStreamingChunk x) {
            return FIXED + s(x.modelName()) + s(x.provider()) + s(x.chunkText()) + o(x.chunkMetadata());
        } else if (p instanceof Payload.Error x) {
            return FIXED + s(x.errorType()) + s(x.errorMessage()) + s(x.errorCode()) + s(x.stackTrace())
                    + o(x.context());
        } else if (p instanceof Payload.UserFeedback x) {
            return FIXED + s(x.feedbackType()) + o(x.feedbackValue()) + s(x.targetEventId()) + s(x.feedbackText());
        } else if (p instanceof Payload.AgentReasoning x) {
            return FIXED + s(x.reasoningType()) + o(x.reasoningSteps());
        } else if (p instanceof Payload.AgentPlanning x) {
            return FIXED + s(x.planType()) + o(x.plannedActions());
        } else if (p instanceof Payload.FunctionExecution x) {
            return FIXED + s(x.functionName()) + o(x.functionArgs()) + o(x.returnValue()) + s(x.errorMessage());
        } else if (p instanceof Payload.ApiRequest x) {
            return FIXED + s(x.apiName()) + s(x.endpoint()) + s(x.method()) + o(x.headers()) + o(x.parameters())
                    + o(x.requestBody());
        } else if (p instanceof Payload.ApiResponse x) {
            return FIXED + s(x.apiName()) + s(x.endpoint()) + o(x.responseHeaders()) + o(x.responseBody());
        } else if (p instanceof Payload.ValidationError x) {
            return FIXED + s(x.validationTarget()) + o(x.validationRules()) + o(x.failedRules())
                    + o(x.validationDetails());
        } else if (p instanceof Payload.TimeoutError x) {
            return FIXED + s(x.timeoutType()) + o(x.operationContext());
        } else if (p instanceof Payload.RunStart x) {
            return FIXED + s(x.sessionId()) + s(x.sessionType()) + o(x.initialContext());
        } else if (p instanceof Payload.RunEnd x) {
            return FIXED + s(x.sessionId()) + o(x.sessionSummary()) + s(x.exitReason());
        } else if (p instanceof Payload.PerformanceMetric x) {
            return FIXED + s(x.metricName()) + s(x.metricUnit()) + s(x.metricType()) + o(x.additionalMetrics());
        } else if (p instanceof Payload.ChainStart x) {
            return FIXED + s(x.chainName()) + o(x.inputs()) + s(x.chainType());
        } else if (p instanceof Payload.ChainEnd x) {
            return FIXED + s(x.chainName()) + o(x.outputs()) + s(x.errorMessage());
        } else if (p instanceof Payload.RetrievalStart x) {
            return FIXED + s(x.query()) + s(x.retrieverName()) + o(x.parameters());
        } else if (p instanceof Payload.RetrievalEnd x) {
            return FIXED + s(x.query()) + o(x.documents());
        } else if (p instanceof Payload.Custom x) {
            return FIXED + s(x.name()) + o(x.data());
        }
        return estimate(p.toMap(), 0);
    }

    private static int s(@Nullable String value) {
        return value == null ? 4 : value.length() + 2;
    }

    private static int o(@Nullable Object value) {
        return estimate(value, 0);
    }

    /** The estimated JSON size of a value: maps, lists and strings are measured, other values count 16 bytes. */
    public static int estimate(@Nullable Object value, int depth) {
        if (value == null) {
            return 4;
        }
        // Exact class checks first: String, boxed numbers and Boolean are final classes, so these tests are cheaper
        // than the interface tests below, and they are most of the leaves. Runs on the caller's thread.
        if (value instanceof String s) {
            return s.length() + 2;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return 16;
        }
        if (value instanceof CharSequence s) {
            return s.length() + 2;
        }
        if (depth > 8) {
            return 16;
        }
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return 2;
            }
            int size = 2;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object key = e.getKey();
                size += (key instanceof String k ? k.length() : String.valueOf(key).length()) + 4
                        + estimate(e.getValue(), depth + 1);
            }
            return size;
        }
        if (value instanceof List<?> list) {
            int size = 2;
            if (list instanceof RandomAccess) {
                // No iterator: the lists here are array-backed (ArrayList, List.of, unmodifiable views of them).
                for (int i = 0, n = list.size(); i < n; i++) {
                    size += 1 + estimate(list.get(i), depth + 1);
                }
                return size;
            }
            for (Object o : list) {
                size += 1 + estimate(o, depth + 1);
            }
            return size;
        }
        return 16;
    }
}
