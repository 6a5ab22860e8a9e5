package com.insidellm.collector;

import static com.insidellm.collector.Events.JSON;
import static com.insidellm.collector.Events.message;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small, fully known data set: three runs, two models, a tool call between two LLM calls, one error.
 *
 * <ul>
 *   <li>Run {@link #AGENT_RUN} (alice, 10:00): weather question → gpt-4o calls get_weather (120+30 tokens, $0.01,
 *       100 ms) → tool result → gpt-4o answers (200+20 tokens, $0.02, 300 ms). Ended.</li>
 *   <li>Run {@link #ERROR_RUN} (bob, 10:30): claude-3-5-sonnet (10+5 tokens, $0.005, 200 ms), then an error.</li>
 *   <li>Run {@link #LATE_RUN} (alice, 12:00): gpt-4o (1000+100 tokens, $0.05, 500 ms).</li>
 * </ul>
 */
final class SampleData {

    static final Instant BASE = Instant.parse("2025-06-04T10:00:00Z");
    static final String AGENT_RUN = "11111111-1111-4111-8111-111111111111";
    static final String ERROR_RUN = "22222222-2222-4222-8222-222222222222";
    static final String LATE_RUN = "33333333-3333-4333-8333-333333333333";
    static final String SYSTEM_PROMPT = "You are a helpful travel assistant. Use tools for live data.";

    private SampleData() {}

    static List<ObjectNode> events() {
        List<ObjectNode> out = new ArrayList<>();
        out.addAll(agentRun());
        out.addAll(errorRun());
        out.addAll(lateRun());
        return out;
    }

    static List<ObjectNode> agentRun() {
        String run = AGENT_RUN;
        String user = "alice";
        Instant t = BASE;
        List<ObjectNode> out = new ArrayList<>();
        out.add(Events.runStart(run, user, t));
        out.add(Events.userInput(run, user, t.plusMillis(5), "What's the weather in Paris right now?"));
        ArrayNode history = JSON.createArrayNode();
        history.add(message("system", SYSTEM_PROMPT));
        history.add(message("user", "What's the weather in Paris right now?"));
        ObjectNode req1 = Events.llmRequest(run, user, t.plusMillis(10), "gpt-4o", history);
        out.add(req1);
        ObjectNode resp1 = Events.llmResponse(run, user, t.plusMillis(110), req1, "", 120, 30, 0.01, 100);
        ObjectNode toolCall = JSON.createObjectNode().put("id", "call_1").put("type", "function");
        toolCall.putObject("function").put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}");
        ObjectNode assistant = JSON.createObjectNode().put("role", "assistant").putNull("content");
        assistant.putArray("tool_calls").add(toolCall);
        resp1.withObjectProperty("payload").put("finish_reason", "tool_calls").set("response_message", assistant.deepCopy());
        out.add(resp1);
        ObjectNode call = Events.event("tool.call", run, user, t.plusMillis(120));
        call.put("parent_event_id", resp1.get("event_id").asText());
        call.withObjectProperty("payload").put("tool_name", "get_weather").put("tool_type", "function").put("call_id", "call_1")
                .putObject("parameters").put("city", "Paris");
        out.add(call);
        ObjectNode result = Events.event("tool.response", run, user, t.plusMillis(180));
        result.put("parent_event_id", call.get("event_id").asText());
        result.withObjectProperty("payload").put("tool_name", "get_weather").put("tool_type", "function").put("call_id", "call_1")
                .put("execution_time_ms", 60).put("success", true)
                .putObject("response_data").put("temperature_c", 18).put("sky", "light rain");
        out.add(result);
        history.add(assistant);
        history.add(JSON.createObjectNode().put("role", "tool").put("tool_call_id", "call_1").put("name", "get_weather")
                .put("content", "{\"temperature_c\":18,\"sky\":\"light rain\"}"));
        ObjectNode req2 = Events.llmRequest(run, user, t.plusMillis(190), "gpt-4o", history);
        out.add(req2);
        String answer = "It's 18 °C with light rain in Paris right now — take an umbrella.";
        out.add(Events.llmResponse(run, user, t.plusMillis(490), req2, answer, 200, 20, 0.02, 300));
        ObjectNode response = Events.event("agent.response", run, user, t.plusMillis(495));
        response.withObjectProperty("payload").put("response_text", answer).put("response_type", "text");
        out.add(response);
        out.add(Events.runEnd(run, user, t.plusMillis(500)));
        return out;
    }

    static List<ObjectNode> errorRun() {
        String run = ERROR_RUN;
        String user = "bob";
        Instant t = BASE.plus(Duration.ofMinutes(30));
        List<ObjectNode> out = new ArrayList<>();
        out.add(Events.userInput(run, user, t, "Summarise my inbox"));
        ArrayNode history = JSON.createArrayNode().add(message("user", "Summarise my inbox"));
        ObjectNode req = Events.llmRequest(run, user, t.plusMillis(10), "claude-3-5-sonnet", history);
        out.add(req);
        out.add(Events.llmResponse(run, user, t.plusMillis(210), req, "I need access to your mail.", 10, 5, 0.005, 200));
        out.add(Events.error(run, user, t.plusMillis(220), "mailbox connector timed out"));
        return out;
    }

    static List<ObjectNode> lateRun() {
        String run = LATE_RUN;
        String user = "alice";
        Instant t = BASE.plus(Duration.ofHours(2));
        List<ObjectNode> out = new ArrayList<>();
        ArrayNode history = JSON.createArrayNode().add(message("user", "Plan a three-day trip to Lisbon"));
        ObjectNode req = Events.llmRequest(run, user, t, "gpt-4o", history);
        out.add(req);
        out.add(Events.llmResponse(run, user, t.plusMillis(500), req, "Day 1: Alfama and the castle…", 1000, 100, 0.05,
                500));
        return out;
    }

    /**
     * A busier, still deterministic day (08:00–18:00 of {@link #BASE}'s date) for the viewer's screenshots: four users,
     * three models, tool calls and a few failures.
     */
    static List<ObjectNode> busyDay() {
        Random random = new Random(42);
        String[] users = {"alice", "bob", "carol", "dave"};
        String[] models = {"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet"};
        double[] pricePerToken = {0.00001, 0.000001, 0.000009};
        String[] questions = {"Draft a reply to the supplier about the late delivery",
                "Which of our stores had the best weekend?", "Translate the release notes into German",
                "Find flights from Lyon to Porto next Friday", "Summarise yesterday's support tickets"};
        List<ObjectNode> out = new ArrayList<>();
        Instant day = BASE.minus(Duration.ofHours(2));
        for (int r = 0; r < 36; r++) {
            String run = java.util.UUID.nameUUIDFromBytes(("busy-run-" + r).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .toString();
            String user = users[random.nextInt(users.length)];
            int m = random.nextInt(models.length);
            Instant t = day.plusSeconds(r * 1000L + random.nextInt(600));
            out.add(Events.runStart(run, user, t));
            String question = questions[random.nextInt(questions.length)];
            out.add(Events.userInput(run, user, t.plusMillis(3), question));
            ArrayNode history = JSON.createArrayNode().add(message("system", "You are the company assistant."))
                    .add(message("user", question));
            int calls = 1 + random.nextInt(3);
            long at = 10;
            for (int c = 0; c < calls; c++) {
                ObjectNode req = Events.llmRequest(run, user, t.plusMillis(at), models[m], history);
                out.add(req);
                double latency = 250 + random.nextInt(900) + (random.nextInt(10) == 0 ? 3000 : 0);
                long in = 200 + random.nextInt(1500);
                long outTokens = 20 + random.nextInt(400);
                String text = c + 1 < calls ? "Let me look that up." : "Here is what I found for you.";
                ObjectNode resp = Events.llmResponse(run, user, t.plusMillis(at + (long) latency), req, text, in, outTokens,
                        (in + outTokens) * pricePerToken[m], latency);
                out.add(resp);
                at += (long) latency + 20;
                history.add(message("assistant", text)).add(message("user", "Go on."));
            }
            if (random.nextInt(8) == 0) {
                out.add(Events.error(run, user, t.plusMillis(at), "upstream API returned 502"));
            }
            out.add(Events.runEnd(run, user, t.plusMillis(at + 10)));
        }
        return out;
    }

    static ArrayNode asArray(List<ObjectNode> events) {
        ArrayNode a = JSON.createArrayNode();
        events.forEach(a::add);
        return a;
    }
}
