package com.insidellm.spring;

/** The {@code insidellm.tracking.*} properties: the {@code @Track*} annotations. Bound once at startup by Spring. */
public class InsideLlmTrackingProperties {

    /** Whether methods annotated with @TrackLlmCall, @TrackToolUse, ... are recorded. */
    private boolean enabled = true;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
