package com.insidellm.langchain4j;

import dev.langchain4j.observability.api.AiServiceListenerRegistrar;
import dev.langchain4j.observability.api.event.AiServiceEvent;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AI service's listener registrar that delegates everything and, when an {@link InsideLlmLangChain4j} is installed
 * with {@link InsideLlmLangChain4j#recordAllAiServices()}, also dispatches each event to its listeners, unless the
 * service already has this module's listeners registered (then it is recorded once, by those). Thread-safe.
 */
final class GlobalAiServiceListenerRegistrar implements AiServiceListenerRegistrar {

    private static final Logger log = LoggerFactory.getLogger(GlobalAiServiceListenerRegistrar.class);

    /** The integration recording every AI service, or {@code null}. */
    static final AtomicReference<@Nullable InsideLlmLangChain4j> INSTALLED = new AtomicReference<>();

    private final AiServiceListenerRegistrar delegate;
    private volatile boolean hasOwnRecording;

    GlobalAiServiceListenerRegistrar(AiServiceListenerRegistrar delegate) {
        this.delegate = delegate;
    }

    @Override
    public <T extends AiServiceEvent> void register(AiServiceListener<T> listener) {
        if (listener instanceof AiServiceListeners.Recording<?>) {
            hasOwnRecording = true;
        }
        delegate.register(listener);
    }

    @Override
    public <T extends AiServiceEvent> void unregister(AiServiceListener<T> listener) {
        delegate.unregister(listener);
    }

    @Override
    public <T extends AiServiceEvent> void fireEvent(T event) {
        delegate.fireEvent(event);
        InsideLlmLangChain4j installed = INSTALLED.get();
        if (installed != null && !hasOwnRecording && event != null) {
            try {
                AiServiceListeners.dispatch(installed.aiServiceListeners(), event);
            } catch (RuntimeException | LinkageError e) {
                log.debug("Could not record an AI-service event", e);
            }
        }
    }

    @Override
    public void shouldThrowExceptionOnEventError(boolean shouldThrowExceptionOnEventError) {
        delegate.shouldThrowExceptionOnEventError(shouldThrowExceptionOnEventError);
    }
}
