package com.insidellm.examples.spring;

import com.insidellm.spring.TrackAgentStep;
import java.util.List;
import org.springframework.stereotype.Service;

/** Decides what the agent does with a message. */
@Service
class Planner {

    @TrackAgentStep("planning")                           // agent.reasoning with the steps and the time taken
    List<String> plan(String message) {
        return message.toLowerCase().contains("order")
                ? List.of("name the conversation", "look the order up", "answer")
                : List.of("name the conversation", "answer");
    }
}
