package com.insidellm.examples;

import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmTracker;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import com.insidellm.TokenUsage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A small scripted agent recorded with the tracker and its call wrappers: the user's question, a plan, an LLM call,
 * two tool calls (one of which fails, is recorded, and is handled), and the answer. Every event names the event that
 * caused it, so the viewer shows the run as a tree.
 *
 * <p>{@code ./demo.sh} runs it against a collector it starts. To run it alone against a collector on port 7800:
 * {@code ./demo.sh --run TrackerExample}.
 */
public final class TrackerExample {

    private TrackerExample() {}

    /** Sends to the collector at {@code args[0]}, default {@code http://127.0.0.1:7800}. */
    public static void main(String[] args) {
        try (InsideLlmClient client = Examples.client(Examples.collectorUrl(args))) {
            System.out.println("TrackerExample: " + run(client));
            Examples.requireDelivered(client.flush(Duration.ofSeconds(10)), client.stats());
        }
    }

    /** Answers one question, recording the run with {@code client}; returns the answer. */
    static String run(InsideLlmClient client) {
        WeatherAgent agent = new WeatherAgent();
        // README: tracker
        try (InsideLlmTracker tracker = client.tracker("user-42")) {            // run.start ... run.end
            String question = "Should I take an umbrella to Paris tomorrow?";
            String inputId = tracker.logUserInput(question);                    // user.input
            tracker.log(new Payload.AgentPlanning("sequential", List.of(
                    Map.of("step", 1, "action", "extract_city"),
                    Map.of("step", 2, "action", "get_forecast"),
                    Map.of("step", 3, "action", "check_calendar"))), null);     // agent.planning
            LlmCallResult city = tracker.trackLlmCall("gpt-4o-mini", "openai", question,
                    () -> agent.extractCity(question));                         // llm.request -> llm.response
            Map<String, Object> forecast = tracker.trackToolCall("get_forecast",
                    Map.of("city", city.responseText()),
                    () -> agent.forecast(city.responseText()));                 // tool.call -> tool.response
            String plans;
            try {
                plans = tracker.trackToolCall("check_calendar", Map.of("day", "tomorrow"),
                        () -> agent.calendar("tomorrow"));                      // throws: recorded, then rethrown
            } catch (IOException e) {                                           // the agent carries on without it
                plans = "unknown";
            }
            String answer = agent.answer(forecast, plans);
            tracker.logAgentResponse(answer, inputId);                          // agent.response
            return answer;
        }
        // end README
    }

    /** Stands in for an LLM and two tools, so the example needs no account and gives the same answer every time. */
    static final class WeatherAgent {

        LlmCallResult extractCity(String question) {
            return LlmCallResult.builder("Paris")
                    .finishReason("stop")
                    .usage(TokenUsage.of(38, 1))
                    .responseModel("gpt-4o-mini-2024-07-18")
                    .build();
        }

        Map<String, Object> forecast(String city) {
            return Map.of("city", city, "rain_probability", 0.8, "high_celsius", 14);
        }

        String calendar(String day) throws IOException {
            throw new IOException("calendar service unavailable (HTTP 503)");
        }

        String answer(Map<String, Object> forecast, String plans) {
            double rain = ((Number) forecast.get("rain_probability")).doubleValue();
            String answer = rain >= 0.5
                    ? "Yes: there is a " + Math.round(rain * 100) + "% chance of rain in " + forecast.get("city")
                            + " tomorrow."
                    : "No umbrella needed tomorrow.";
            return plans.equals("unknown") ? answer + " (I couldn't check your calendar.)" : answer;
        }
    }
}
