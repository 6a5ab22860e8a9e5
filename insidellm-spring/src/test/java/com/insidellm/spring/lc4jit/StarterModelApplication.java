package com.insidellm.spring.lc4jit;

import com.insidellm.spring.TrackRun;
import dev.langchain4j.model.chat.ChatModel;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/**
 * An application whose chat model is built by {@code langchain4j-open-ai-spring-boot-starter} from properties. It has
 * no InsideLLM code: recording comes from the dependencies and {@code insidellm.*} properties alone.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class StarterModelApplication {

    /** A service using the starter-built model; the annotation only groups its calls into one run. */
    @Service
    public static class Greeter {
        private final ChatModel model;

        public Greeter(ChatModel model) {
            this.model = model;
        }

        @TrackRun(name = "greeting", userId = "#user")
        public String greet(String user) {
            return model.chat("Say hello to " + user);
        }
    }
}
