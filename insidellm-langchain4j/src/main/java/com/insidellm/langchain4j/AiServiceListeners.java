package com.insidellm.langchain4j;

import dev.langchain4j.observability.api.event.ToolExecutedEvent;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.observability.api.listener.AiServiceStartedListener;
import dev.langchain4j.observability.api.listener.ToolExecutedEventListener;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The AI-service listeners (LangChain4j's observability API, {@code dev.langchain4j.observability}, present from
 * 1.11.0): one per event type, each handing its event to the {@link Recorder}. Only accessors that exist unchanged in
 * every supported version are called ({@code AiServiceCompletedEvent#result()} changed its return type in 1.13 and
 * is avoided: the answer comes from the last model response instead).
 */
final class AiServiceListeners {

    private AiServiceListeners() {
    }

    static List<AiServiceListener<?>> create(Recorder recorder) {
        AiServiceStartedListener started = event -> recorder.invocationStarted(event.invocationContext(),
                event.systemMessage().orElse(null), event.userMessage());
        AiServiceRequestIssuedListener requestIssued = event -> recorder.requestIssued(event.invocationContext(),
                event.request());
        AiServiceResponseReceivedListener responseReceived = event -> recorder.responseReceived(
                event.invocationContext(), event.response());
        ToolExecutedEventListener toolExecuted = event -> recorder.toolExecuted(event.invocationContext(),
                event.request(), resultText(event));
        AiServiceCompletedListener completed = event -> recorder.invocationCompleted(event.invocationContext());
        AiServiceErrorListener error = event -> recorder.invocationFailed(event.invocationContext(), event.error());
        return List.of(started, requestIssued, responseReceived, toolExecuted, completed, error);
    }

    private static @Nullable String resultText(ToolExecutedEvent event) {
        try {
            return event.resultText();
        } catch (RuntimeException e) {
            // 1.13+: a result made of images or several parts has no single text; the after-tool hook's text is used.
            return null;
        }
    }
}
