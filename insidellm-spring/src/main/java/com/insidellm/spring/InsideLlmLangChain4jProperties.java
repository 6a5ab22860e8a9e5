package com.insidellm.spring;

import java.time.Duration;

/**
 * The {@code insidellm.langchain4j.*} properties: the LangChain4j integration. Bound once at startup by Spring.
 */
public class InsideLlmLangChain4jProperties {

    /** Whether LangChain4j model calls and AI services are recorded (when insidellm-langchain4j is present). */
    private boolean enabled = true;

    /**
     * How long a run the LangChain4j integration started itself (automatic threading, a chat memory id) may stay
     * without events before it ends with exit_reason "idle". Default 30m.
     */
    private Duration runIdleTimeout = Duration.ofMinutes(30);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getRunIdleTimeout() {
        return runIdleTimeout;
    }

    public void setRunIdleTimeout(Duration runIdleTimeout) {
        this.runIdleTimeout = runIdleTimeout;
    }
}
