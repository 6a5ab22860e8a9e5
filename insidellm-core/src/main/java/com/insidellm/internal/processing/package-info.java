/**
 * The processors a client runs on its flusher thread (sampling, content filter, redaction, cost) and the truncation
 * of oversized events. Implementation details of the InsideLLM SDK, not public API: they may change in any release,
 * and other modules must not use them. Applications add their own processing through
 * {@link com.insidellm.EventProcessor}.
 */
@NullMarked
package com.insidellm.internal.processing;

import org.jspecify.annotations.NullMarked;
