package com.insidellm.spring.it;

import com.insidellm.spring.TrackAgentStep;
import com.insidellm.spring.TrackLlmCall;
import com.insidellm.spring.TrackRun;
import com.insidellm.spring.TrackToolUse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/** A small application with annotated services, as a user would write it. */
@SpringBootApplication(proxyBeanMethods = false)
public class SupportApplication {

    public record Result(String title, String url) {
    }

    public record Plan(String goal, List<String> steps) {
    }

    @Service
    public static class SearchTools {
        @TrackToolUse(name = "web_search", type = "api")
        public List<Result> search(String query) {
            if (query.contains("outage")) {
                throw new IllegalStateException("search backend unavailable");
            }
            return List.of(new Result("Spring Boot", "https://spring.io/projects/spring-boot"));
        }
    }

    @Service
    public static class Planner {
        @TrackAgentStep(value = "planning", steps = "#result.steps()")
        public Plan plan(String task) {
            return new Plan(task, List.of("search the web", "answer"));
        }
    }

    @Service
    public static class Model {
        private final SearchTools tools;

        public Model(SearchTools tools) {
            this.tools = tools;
        }

        @TrackLlmCall(model = "gpt-4o", provider = "openai")
        public String answer(String question) {
            return "See " + tools.search(question).get(0).url();
        }

        @TrackLlmCall(model = "gpt-4o-mini", provider = "openai")
        public CompletableFuture<String> answerAsync(String question) {
            return CompletableFuture.supplyAsync(() -> "async answer to " + question);
        }
    }

    @Service
    public static class SupportAgent {
        private final Planner planner;
        private final Model model;

        public SupportAgent(Planner planner, Model model) {
            this.planner = planner;
            this.model = model;
        }

        @TrackRun(name = "support-chat")
        public String chat(String question) {
            planner.plan(question);
            return model.answer(question);
        }
    }
}
