package com.insidellm.collector.http;

/**
 * Who may call a route, checked before its {@link Handler} runs. Every route also gets the Host check that keeps a
 * loopback collector out of reach of DNS-rebinding pages. Internal.
 */
public enum Guard {
    /** No credentials (the viewer's own files handle their token themselves; {@code /health}). */
    OPEN,
    /**
     * Writers: one of the configured API keys as {@code Authorization: Bearer <key>} when keys are configured (401
     * otherwise), and no cross-origin browser requests (403). For ingest and anything else that records events.
     */
    INGEST_KEY,
    /** Readers: the viewer token (bearer, cookie or {@code ?token=}) when one is configured (401 otherwise). */
    VIEWER_TOKEN
}
