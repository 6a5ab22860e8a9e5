package com.insidellm.collector.proxy;

/**
 * The conversation fingerprints the gateway threads calls with. They must be the SDK's own (the LangChain4j module's
 * algorithm, shared through core), so a conversation recorded by either threads the same way. Internal.
 */
final class Fingerprints {

    private Fingerprints() {}

    /** The fingerprint functions in use. */
    static ConversationKeys keys() {
        // Until the core exposes the shared algorithm on a neutral message type, calls thread only by run header.
        return ConversationKeys.NONE;
    }
}
