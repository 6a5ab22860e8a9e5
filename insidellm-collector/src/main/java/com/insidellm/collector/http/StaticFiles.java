package com.insidellm.collector.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** The viewer's files from the jar, cached after first use. Only a fixed list is served. Internal. Thread-safe. */
final class StaticFiles {

    /** A file's bytes and media type. */
    record Resource(byte[] bytes, String contentType) {}

    private static final String BASE = "/com/insidellm/collector/viewer/";
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/app.js", "app.js",
            "/app.css", "app.css",
            "/favicon.svg", "favicon.svg");

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
