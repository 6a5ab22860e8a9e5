/**
 * Automatic conversation threading: {@link com.insidellm.threading.ConversationThreads} recognises the next turn of a
 * conversation by its message history and names the run of its first turn, for integrations that see only messages
 * (the model-call recorder, LangChain4j, the collector's gateway). Public API is {@code ConversationThreads} and its
 * nested types; the package-private classes are its fingerprints ({@code Fingerprints}, {@code ChatFormat}), its index
 * and file ({@code FingerprintIndex}, {@code ThreadingFile}) and the queue of conversations to fingerprint later
 * ({@code PendingConversations}).
 */
@NullMarked
package com.insidellm.threading;

import org.jspecify.annotations.NullMarked;
