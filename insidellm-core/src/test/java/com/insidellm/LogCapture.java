package com.insidellm;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Captures what slf4j-simple (the test binding) writes to {@code System.err} while open. slf4j-simple looks up
 * {@code System.err} at every write, so replacing it is enough.
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    LogCapture() {
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** The captured lines that slf4j-simple logged at WARN or above and that come from this SDK. */
    List<String> sdkWarnings() {
        String text;
        synchronized (captured) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\\R"))
                .filter(line -> line.contains("WARN") || line.contains("ERROR"))
                .filter(line -> line.contains("com.insidellm"))
                .toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
