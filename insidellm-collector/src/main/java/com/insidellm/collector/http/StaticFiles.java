package com.insidellm.collector.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The viewer's files from the jar, cached after first use. Only a fixed list is served. Internal. Thread-safe. */
final class StaticFiles {

    /** A file's bytes and media type. */
    record Resource(byte[] bytes, String contentType) {}

    private static final String BASE = "/com/insidellm/collector/viewer/";
    /** The viewer's ES modules, one per page plus shared helpers; served at {@code /<name>}. */
    private static final List<String> MODULES = List.of("app.js", "dom.js", "format.js", "events.js", "api.js",
            "widgets.js", "runs.js", "run.js", "conversation.js", "event-rows.js", "events-page.js", "live.js",
            "analytics.js", "timeline.js");
    private static final Map<String, String> FILES = files();

    private static Map<String, String> files() {
        Map<String, String> files = new HashMap<>();
        files.put("/", "index.html");
        files.put("/index.html", "index.html");
        files.put("/app.css", "app.css");
        files.put("/favicon.svg", "favicon.svg");
        MODULES.forEach(m -> files.put("/" + m, m));
        return Map.copyOf(files);
    }

    private final Map<String, Resource> cache = new ConcurrentHashMap<>();

    @Nullable Resource get(String path) {
        String name = FILES.get(path);
        if (name == null) {
            return null;
        }
        return cache.computeIfAbsent(name, StaticFiles::load);
    }

    private static Resource load(String name) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException("viewer file missing from the jar: " + name);
            }
            return new Resource(in.readAllBytes(), type(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        } else {
            return "image/svg+xml";
        }
    }
}
