/**
 * Recording model calls that an integration sees as request and response (the provider SDK wrappers, Spring AI):
 * {@link com.insidellm.modelcall.ModelCallRecorder} places each call in a run (the active context, or automatic
 * threading by message history) and records it through {@link com.insidellm.CallRecorder};
 * {@link com.insidellm.modelcall.ModelCall} ends one call; {@link com.insidellm.modelcall.StreamRecording} with a
 * {@link com.insidellm.modelcall.StreamAccumulator} follows a streamed answer. Public API for integrations; the
 * package-private classes are its run placement ({@code AutoThreading}), the recorded events and stream plumbing.
 */
@NullMarked
package com.insidellm.modelcall;

import org.jspecify.annotations.NullMarked;
