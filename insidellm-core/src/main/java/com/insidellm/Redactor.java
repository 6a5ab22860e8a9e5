package com.insidellm;

/**
 * Rewrites text to remove sensitive content before an event leaves the process. Redactors run on the client's
 * flusher thread over every string in an event's payload (nested maps and lists, chat {@code messages} included) and
 * over its metadata values. Built-in ones come from {@link Redactors}; add them with
 * {@link InsideLlmClient.Builder#redact(Redactor...)}.
 *
 * <p>Redaction fails closed: when a redactor throws (or returns {@code null}), the whole string it was given is
 * replaced with {@value Redactors#FAILED_MARKER} instead of being sent as it was. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface Redactor {

    /** Returns {@code text} with sensitive parts replaced, or {@code text} itself when there is nothing to hide. */
    String redact(String text);
}
