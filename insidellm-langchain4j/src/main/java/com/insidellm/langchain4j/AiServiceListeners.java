package com.insidellm.langchain4j;

import dev.langchain4j.observability.api.event.AiServiceCompletedEvent;
import dev.langchain4j.observability.api.event.AiServiceErrorEvent;
import dev.langchain4j.observability.api.event.AiServiceEvent;
import dev.langchain4j.observability.api.event.AiServiceRequestIssuedEvent;
import dev.langchain4j.observability.api.event.AiServiceResponseReceivedEvent;
import dev.langchain4j.observability.api.event.AiServiceStartedEvent;
import dev.langchain4j.observability.api.event.ToolExecutedEvent;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AI-service listeners (LangChain4j's observability API, {@code dev.langchain4j.observability}, present from
 * 1.11.0): one per event type, each handing its event to the {@link Recorder}. Only accessors that exist unchanged in
 * every supported version are called ({@code AiServiceCompletedEvent#result()} changed its return type in 1.13 and
 * is avoided: the answer comes from the last model response instead).
 */
final class AiServiceListeners {

    private static final Logger log = LoggerFactory.getLogger(AiServiceListeners.class);

    private AiServiceListeners() {
    }

    static List<AiServiceListener<?>> create(Recorder recorder) {
        return List.of(
                new Recording<>(AiServiceStartedEvent.class, event -> recorder.invocationStarted(
                        event.invocationContext(), event.systemMessage().orElse(null), event.userMessage())),
                new Recording<>(AiServiceRequestIssuedEvent.class,
                        event -> recorder.requestIssued(event.invocationContext(), event.request())),
                new Recording<>(AiServiceResponseReceivedEvent.class,
                        event -> recorder.responseReceived(event.invocationContext(), event.response())),
                new Recording<>(ToolExecutedEvent.class, event -> recorder.toolExecuted(event.invocationContext(),
                        event.request(), resultText(event))),
                new Recording<>(AiServiceCompletedEvent.class,
                        event -> recorder.invocationCompleted(event.invocationContext())),
                new Recording<>(AiServiceErrorEvent.class,
                        event -> recorder.invocationFailed(event.invocationContext(), event.error())));
    }

    /** Hands {@code event} to the listener of its type in {@code listeners}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void dispatch(List<AiServiceListener<?>> listeners, AiServiceEvent event) {
        for (AiServiceListener listener : listeners) {
            if (listener.getEventClass().isInstance(event)) {
                listener.onEvent(event);
            }
        }
    }

    private static @Nullable String resultText(ToolExecutedEvent event) {
        try {
            return event.resultText();
        } catch (RuntimeException e) {
            // 1.13+: a result made of images or several parts has no single text; the after-tool hook's text is used.
            return null;
        }
    }

    /** One of this module's listeners; recognisable, so an AI service is never recorded twice. */
    static final class Recording<T extends AiServiceEvent> implements AiServiceListener<T> {
        private final Class<T> eventClass;
        private final Consumer<T> handler;

        Recording(Class<T> eventClass, Consumer<T> handler) {
            this.eventClass = eventClass;
            this.handler = handler;
        }

        @Override
        public Class<T> getEventClass() {
            return eventClass;
        }

        @Override
        public void onEvent(T event) {
            try {
                handler.accept(event);
            } catch (RuntimeException | LinkageError e) {
                log.debug("Could not record a LangChain4j {}", eventClass.getSimpleName(), e);
            }
        }

        @Override
        public String toString() {
            return "InsideLLM " + eventClass.getSimpleName() + " listener";
        }
    }
}
