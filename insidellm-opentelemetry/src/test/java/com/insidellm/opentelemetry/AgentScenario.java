package com.insidellm.opentelemetry;

import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One support-agent run at fixed times, as the SDK records it: a user question, an agent (chain) that calls the model,
 * a tool, the model again (streamed), an answer, a metric, feedback on the answer, and the run's end.
 */
final class AgentScenario {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final String USER = "user-42";

    final String runId = UUID.randomUUID().toString();
    final String chainId = UUID.randomUUID().toString();
    final String request1 = UUID.randomUUID().toString();
    final String response1 = UUID.randomUUID().toString();
    final String toolCall = UUID.randomUUID().toString();
    final String request2 = UUID.randomUUID().toString();
    final String response2 = UUID.randomUUID().toString();

    List<Event> events() {
        List<Event> events = new ArrayList<>();
        events.add(at(0, EventType.RUN_START).payload(new Payload.RunStart(runId, "support", null)).build());
        events.add(at(5, EventType.USER_INPUT).payload(new Payload.UserInput("Where is order 17?")).build());
        events.add(at(10, EventType.CHAIN_START).eventId(chainId)
                .payload(new Payload.ChainStart("SupportAssistant", Map.of("question", "Where is order 17?"), "agent"))
                .build());
        events.add(at(20, EventType.LLM_REQUEST).eventId(request1).parentEventId(chainId)
                .payload(new Payload.LlmRequest("gpt-4o", "openai", "Where is order 17?",
                        Map.of("temperature", 0.2, "max_tokens", 256, "stop", List.of("END")),
                        "You are a support agent.",
                        List.of(Map.of("role", "system", "content", "You are a support agent."),
                                Map.of("role", "user", "content", "Where is order 17?"))))
                .build());
        events.add(at(820, EventType.LLM_RESPONSE).eventId(response1).parentEventId(request1)
                .payload(new Payload.LlmResponse("gpt-4o", "openai", "", "tool_calls",
                        new TokenUsage(1200, 40, 1240, 1024, null), 800L, null))
                .payloadEntry("response_id", "chatcmpl-1").payloadEntry("response_model", "gpt-4o-2024-08-06")
                .payloadEntry("response_message", Map.of("role", "assistant", "tool_calls", List.of(Map.of(
                        "id", "call_1", "type", "function", "function",
                        Map.of("name", "order_status", "arguments", "{\"order\":17}")))))
                .build());
        events.add(at(830, EventType.TOOL_CALL).eventId(toolCall).parentEventId(chainId)
                .payload(new Payload.ToolCall("order_status", "function", Map.of("order", 17), "call_1")).build());
        events.add(at(1030, EventType.TOOL_RESPONSE).parentEventId(toolCall)
                .payload(new Payload.ToolResponse("order_status", "function", "call_1", Map.of("status", "shipped"),
                        200L, true, null))
                .build());
        events.add(at(1040, EventType.LLM_REQUEST).eventId(request2).parentEventId(chainId)
                .payload(new Payload.LlmRequest("gpt-4o", "openai", "Where is order 17?")).build());
        events.add(at(1340, EventType.LLM_STREAMING_CHUNK).parentEventId(request2)
                .payload(new Payload.LlmStreamingChunk("gpt-4o", "openai", "It", 0, false, null)).build());
        events.add(at(1940, EventType.LLM_RESPONSE).eventId(response2).parentEventId(request2)
                .payload(new Payload.LlmResponse("gpt-4o", "openai", "It shipped yesterday.", "stop",
                        new TokenUsage(1300, 12, 1312, null, 4), 900L, null))
                .build());
        events.add(at(1950, EventType.CHAIN_END).parentEventId(chainId)
                .payload(new Payload.ChainEnd("SupportAssistant", Map.of("answer", "It shipped yesterday."), 1940L,
                        true, null))
                .build());
        events.add(at(1960, EventType.AGENT_RESPONSE).payload(new Payload.AgentResponse("It shipped yesterday."))
                .build());
        events.add(at(1970, EventType.PERFORMANCE_METRIC)
                .payload(new Payload.PerformanceMetric("answer_latency", 1960, "ms", "gauge", null)).build());
        events.add(at(1980, EventType.USER_FEEDBACK)
                .payload(new Payload.UserFeedback("thumbs", true, response2, "quick and right")).build());
        events.add(at(2000, EventType.RUN_END).payload(new Payload.RunEnd(runId, 2000L, null, "completed")).build());
        return events;
    }

    void logTo(InsideLlmClient client) {
        for (Event e : events()) {
            client.logEvent(e);
        }
    }

    private Event.Builder at(long millis, EventType type) {
        return Event.builder(type).runId(runId).userId(USER).timestamp(T0.plusMillis(millis));
    }
}
