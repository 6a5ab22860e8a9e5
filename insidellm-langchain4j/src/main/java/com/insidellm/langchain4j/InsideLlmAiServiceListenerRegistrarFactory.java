package com.insidellm.langchain4j;

import dev.langchain4j.observability.api.AiServiceListenerRegistrar;
import dev.langchain4j.observability.api.DefaultAiServiceListenerRegistrar;
import dev.langchain4j.spi.observability.AiServiceListenerRegistrarFactory;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@link ServiceLoader} provider through which {@link InsideLlmLangChain4j#recordAllAiServices()} reaches AI
 * services whose builder the application does not control (for example {@code @AiService} beans of the LangChain4j
 * Spring Boot starter). Not for direct use.
 *
 * <p>LangChain4j asks the first provider on the class path for each AI service's listener registrar. The registrar
 * returned here behaves exactly like the one LangChain4j would have used (another provider's, else the default) and,
 * while an {@link InsideLlmLangChain4j} is installed with {@code recordAllAiServices()}, also hands every event to it.
 * With nothing installed it only delegates.
 */
public final class InsideLlmAiServiceListenerRegistrarFactory implements AiServiceListenerRegistrarFactory {

    /** Called by {@link ServiceLoader}. */
    public InsideLlmAiServiceListenerRegistrarFactory() {
    }

    /** A registrar that delegates to the next provider's (or LangChain4j's default) and records when installed. */
    @Override
    public AiServiceListenerRegistrar get() {
        return new GlobalAiServiceListenerRegistrar(next());
    }

    private static AiServiceListenerRegistrar next() {
        try {
            for (AiServiceListenerRegistrarFactory factory : ServiceLoader.load(AiServiceListenerRegistrarFactory.class)) {
                if (!(factory instanceof InsideLlmAiServiceListenerRegistrarFactory)) {
                    return factory.get();
                }
            }
        } catch (ServiceConfigurationError | RuntimeException e) {
            // A broken provider elsewhere: LangChain4j's default still works.
        }
        return new DefaultAiServiceListenerRegistrar();
    }
}
