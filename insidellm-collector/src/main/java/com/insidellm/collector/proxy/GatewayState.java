package com.insidellm.collector.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway was configured with: a loaded configuration, a file that failed to load (the collector still
 * serves; {@code /health} says what is wrong and where), or no configuration at all. Internal; immutable.
 *
 * @param file the configuration file, null when none was given and the default does not exist
 * @param config the loaded configuration, null when none loaded
 * @param problem why the file could not be used
 */
record GatewayState(@Nullable Path file, @Nullable ProxyConfig config, ProxyConfig.@Nullable InvalidException problem) {

    /** No file: the gateway answers, but has no models. */
    static GatewayState none() {
        return new GatewayState(null, null, null);
    }

    /** The message for a model that is not configured, listing the ones that are (never an open relay). */
    String unknownModel(String model) {
        if (config == null || config.models().isEmpty()) {
            return "model " + model + " is not configured: the gateway forwards only the models of its configuration, "
                    + (problem != null ? "which failed to load (see /health)" : "and none is configured"
                    + " (start the collector with --proxy-config FILE)");
        }
        return "model " + model + " is not configured; configured models: " + String.join(", ", config.models().keySet());
    }

    /** {@code text} with every configured key replaced, for anything that leaves the process or reaches a log. */
    String scrub(String text) {
        if (config == null) {
            return text;
        }
        String out = text;
        for (ProxyConfig.Route route : config.models().values()) {
            String key = route.apiKey();
            if (key != null && key.length() >= 4 && out.contains(key)) {
                out = out.replace(key, "[redacted]");
            }
        }
        return out;
    }

    /** The {@code gateway} section of {@code /health}. */
    ObjectNode health() {
        ObjectNode g = JsonNodeFactory.instance.objectNode();
        if (problem != null) {
            g.put("status", "error");
            g.put("message", "the gateway configuration could not be loaded: " + problem.getMessage());
            g.put("file", problem.file().toString());
            if (problem.line() > 0) {
                g.put("line", problem.line());
                g.put("column", problem.column());
            }
            g.put("models", 0);
            return g;
        }
        if (config == null) {
            g.put("status", "off");
            g.put("message", "no gateway configuration (--proxy-config FILE or ~/.insidellm/proxy.json)");
            g.put("models", 0);
            return g;
        }
        List<String> warnings = new ArrayList<>(config.warnings());
        g.put("status", config.models().isEmpty() ? "error" : warnings.isEmpty() ? "ok" : "degraded");
        g.put("message", config.models().isEmpty() ? "the configuration has no models"
                : "configuration loaded: " + config.models().size() + " models");
        if (file != null) {
            g.put("file", file.toString());
        }
        g.put("models", config.models().size());
        if (!warnings.isEmpty()) {
            warnings.forEach(g.putArray("warnings")::add);
        }
        return g;
    }
}
