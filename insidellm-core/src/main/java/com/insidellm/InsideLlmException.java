package com.insidellm;

/**
 * A failure of the InsideLLM SDK. Recording methods throw it only in strict mode
 * ({@link InsideLlmClient.Builder#strict(boolean)}); by default they never throw.
 */
public class InsideLlmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message. */
    public InsideLlmException(String message) {
        super(message);
    }

    /** Creates an exception with a message and a cause. */
    public InsideLlmException(String message, Throwable cause) {
        super(message, cause);
    }
}
