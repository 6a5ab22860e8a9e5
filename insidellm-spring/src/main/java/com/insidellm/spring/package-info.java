/**
 * Spring Boot starter for InsideLLM: auto-configures an {@link com.insidellm.InsideLlmClient} from
 * {@code insidellm.*} properties, records methods annotated with {@link com.insidellm.spring.TrackLlmCall},
 * {@link com.insidellm.spring.TrackToolUse}, {@link com.insidellm.spring.TrackAgentStep},
 * {@link com.insidellm.spring.TrackFunction} and {@link com.insidellm.spring.TrackRun}, and wires Micrometer,
 * Actuator health and LangChain4j when they are present.
 */
@NullMarked
package com.insidellm.spring;

import org.jspecify.annotations.NullMarked;
