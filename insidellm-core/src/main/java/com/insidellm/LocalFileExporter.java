package com.insidellm;

import java.nio.file.Path;

/** Writes events as JSON lines under a directory (local mode). Placeholder wiring; see issue 3. */
final class LocalFileExporter {
    private LocalFileExporter() {
    }

    static EventExporter create(Path directory) {
        throw new UnsupportedOperationException("local mode is not implemented yet");
    }
}
