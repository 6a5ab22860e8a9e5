package com.insidellm.collector;

import static com.insidellm.collector.Events.JSON;
import static com.insidellm.collector.Events.message;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs with what issue 18's queries and views need, next to {@link SampleData} (their users and models overlap).
 *
 * <ul>
 *   <li>{@link #TRIP_RUN} (dave, 13:00, "Trip assistant", trace {@link #TRACE}, tags demo+spring, company acme): two
 *       conversations — the planner (gpt-4o-mini, offers search_flights, temperature 0.2; calls it; the tool fails
 *       with an error event and a failed tool.response: one failure; then answers) and a title call (its own system
 *       prompt) between the planner's turns; thumbs-up feedback; one event stamped 2020; run.end at +1400 ms.</li>
 *   <li>{@link #RAG_RUN} (carol, 13:10, same trace, tag rag): a rag_query call with a time to first token.</li>
 * </ul>
 */
final class RichData {

    static final Instant AT = Instant.parse("2025-06-04T13:00:00Z");
    static final String TRIP_RUN = "44444444-4444-4444-8444-444444444444";
    static final String RAG_RUN = "66666666-6666-4666-8666-666666666666";
    static final String TRACE = "trace-7";
    static final String PLANNER_PROMPT = "You plan trips. Use search_flights for flights.";
    static final String TITLE_PROMPT = "You write a five-word title for the conversation.";
    static final String QUESTION = "Plan a weekend in Lisbon from Lyon";

    private RichData() {}

    static List<ObjectNode> events() {
        List<ObjectNode> out = new ArrayList<>(tripRun());
        out.addAll(ragRun());
        return out;
    }

    private static ObjectNode meta(ObjectNode event) {
        ObjectNode m = event.putObject("metadata").put("run_name", "Trip assistant").put("trace_id", TRACE)
                .put("company_id", "acme");
        m.putArray("tags").add("demo").add("spring");
        return event;
    }

    static List<ObjectNode> tripRun() {
        String run = TRIP_RUN;
        String user = "dave";
        Instant t = AT;
        List<ObjectNode> out = new ArrayList<>();
        ObjectNode start = Events.runStart(run, user, t);
        out.add(start);
        out.add(Events.userInput(run, user, t.plusMillis(5), QUESTION));
        ObjectNode stray = Events.event("agent.reasoning", run, user, Instant.parse("2020-01-01T00:00:00Z"));
        stray.withObjectProperty("payload").put("reasoning_type", "clock skew").putArray("reasoning_steps").add("stray");
        out.add(stray);

        ArrayNode planner = JSON.createArrayNode().add(message("system", PLANNER_PROMPT)).add(message("user", QUESTION));
        ObjectNode req1 = Events.llmRequest(run, user, t.plusMillis(10), "gpt-4o-mini", planner);
        req1.withObjectProperty("payload").put("call_type", "planning").put("tool_choice", "auto");
        req1.withObjectProperty("payload").putObject("parameters").put("temperature", 0.2).put("max_tokens", 500);
        ObjectNode tool = req1.withObjectProperty("payload").putArray("tools").addObject().put("type", "function");
        tool.putObject("function").put("name", "search_flights").put("description", "Find flights between two cities")
                .putObject("parameters").put("type", "object");
        out.add(req1);
        ObjectNode resp1 = Events.llmResponse(run, user, t.plusMillis(400), req1, "", 300, 40, 0.0004, 390);
        ObjectNode call = JSON.createObjectNode().put("id", "call_9").put("type", "function");
        call.putObject("function").put("name", "search_flights").put("arguments", "{\"from\":\"LYS\",\"to\":\"LIS\"}");
        ObjectNode assistant = JSON.createObjectNode().put("role", "assistant").putNull("content");
        assistant.putArray("tool_calls").add(call);
        resp1.withObjectProperty("payload").put("finish_reason", "tool_calls").put("time_to_first_token_ms", 120)
                .set("response_message", assistant.deepCopy());
        out.add(resp1);

        ObjectNode toolCall = Events.event("tool.call", run, user, t.plusMillis(410));
        toolCall.put("parent_event_id", resp1.get("event_id").asText());
        toolCall.withObjectProperty("payload").put("tool_name", "search_flights").put("tool_type", "function")
                .put("call_id", "call_9").putObject("parameters").put("from", "LYS").put("to", "LIS");
        out.add(toolCall);
        ObjectNode error = Events.error(run, user, t.plusMillis(600), "flight search unavailable");
        error.put("parent_event_id", toolCall.get("event_id").asText());
        out.add(error);
        ObjectNode failed = Events.event("tool.response", run, user, t.plusMillis(601));
        failed.put("parent_event_id", toolCall.get("event_id").asText());
        failed.withObjectProperty("payload").put("tool_name", "search_flights").put("tool_type", "function")
                .put("call_id", "call_9").putNull("response_data").put("execution_time_ms", 190).put("success", false)
                .put("error_message", "flight search unavailable");
        out.add(failed);

        ArrayNode title = JSON.createArrayNode().add(message("system", TITLE_PROMPT)).add(message("user", QUESTION));
        ObjectNode titleReq = Events.llmRequest(run, user, t.plusMillis(620), "gpt-4o-mini", title);
        titleReq.withObjectProperty("payload").put("call_type", "title");
        out.add(titleReq);
        ObjectNode titleResp = Events.llmResponse(run, user, t.plusMillis(700), titleReq, "Lisbon weekend from Lyon", 40,
                6, 0.00001, 80);
        titleResp.withObjectProperty("payload").put("time_to_first_token_ms", 30);
        out.add(titleResp);

        planner.add(assistant);
        planner.add(JSON.createObjectNode().put("role", "tool").put("tool_call_id", "call_9")
                .put("name", "search_flights").put("content", "error: flight search unavailable"));
        ObjectNode req2 = Events.llmRequest(run, user, t.plusMillis(710), "gpt-4o-mini", planner);
        req2.withObjectProperty("payload").put("call_type", "planning");
        out.add(req2);
        out.add(Events.llmResponse(run, user, t.plusMillis(1200), req2,
                "I could not search flights right now; here is a plan without them.", 380, 90, 0.0006, 490));
        ObjectNode feedback = Events.event("user.feedback", run, user, t.plusMillis(1300));
        feedback.withObjectProperty("payload").put("feedback_type", "thumbs").put("feedback_value", "thumbs_up");
        out.add(feedback);
        out.add(Events.runEnd(run, user, t.plusMillis(1400)));
        out.forEach(RichData::meta);
        return out;
    }

    static List<ObjectNode> ragRun() {
        String run = RAG_RUN;
        String user = "carol";
        Instant t = AT.plusSeconds(600);
        List<ObjectNode> out = new ArrayList<>();
        ArrayNode messages = JSON.createArrayNode().add(message("user", "Extract the key themes of these reviews"));
        ObjectNode req = Events.llmRequest(run, user, t, "gpt-4o", messages);
        req.withObjectProperty("payload").put("call_type", "rag_query");
        out.add(req);
        ObjectNode resp = Events.llmResponse(run, user, t.plusMillis(300), req, "Delivery, price, support", 50, 8, 0.001,
                300);
        resp.withObjectProperty("payload").put("time_to_first_token_ms", 90);
        out.add(resp);
        ObjectNode feedback = Events.event("user.feedback", run, user, t.plusMillis(400));
        feedback.withObjectProperty("payload").put("feedback_type", "rating").put("feedback_value", 3);
        out.add(feedback);
        for (ObjectNode e : out) {
            e.putObject("metadata").put("trace_id", TRACE).putArray("tags").add("rag");
        }
        return out;
    }
}
