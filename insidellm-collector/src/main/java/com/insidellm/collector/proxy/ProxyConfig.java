package com.insidellm.collector.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's configuration, read from dolphin-logger's {@code config.json} format unchanged: {@code {"models":
 * [{"provider", "providerModel", "model", "apiBase", "apiKey"}]}} with {@code "apiKey": "ENV:NAME"} references. Optional
 * keys of our own: {@code suppressPrefixes} (list of strings), {@code timeoutSeconds} and {@code runIdleMinutes}.
 * Internal; immutable. {@link #toString()} never shows a key.
 *
 * @param models the configured models by client-facing name, in file order
 * @param suppressPrefixes requests whose last user message starts with one of these are forwarded but not recorded
 * @param timeout how long an upstream may take to answer (and between two streamed bytes) before the client gets 504
 * @param runIdle how long a threaded gateway run may stay quiet before it is ended
 * @param warnings start-up warnings (unset key variables), to log and show on {@code /health}
 */
public record ProxyConfig(Map<String, Route> models, List<String> suppressPrefixes, Duration timeout,
        Duration runIdle, List<String> warnings) {

    /** dolphin-logger's prefix for the title and tag requests chat UIs make. */
    public static final List<String> DEFAULT_SUPPRESS_PREFIXES = List.of("### Task:");
    /** Default upstream timeout: {@value} seconds (long answers from slow local models). */
    public static final int DEFAULT_TIMEOUT_SECONDS = 600;
    /** Default idle time after which a threaded run ends: {@value} minutes, like the SDK's threaded runs. */
    public static final int DEFAULT_RUN_IDLE_MINUTES = 30;
    /** OpenAI's API when an {@code openai} model gives no {@code apiBase} (as the OpenAI Python client does). */
    public static final String OPENAI_BASE = "https://api.openai.com/v1";
    /** Ollama's OpenAI-compatible endpoint when {@code apiBase} is not given. */
    public static final String OLLAMA_BASE = "http://127.0.0.1:11434/v1";
    /** Anthropic's API when {@code apiBase} is not given. */
    public static final String ANTHROPIC_BASE = "https://api.anthropic.com";

    /** Copies the collections. */
    public ProxyConfig {
        models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
        suppressPrefixes = List.copyOf(suppressPrefixes);
        warnings = List.copyOf(warnings);
    }

    /** Which wire protocol an upstream speaks. */
    public enum Provider {
        /** Any OpenAI-compatible {@code /chat/completions}: OpenAI, OpenRouter, vLLM, LM Studio, Gemini's endpoint. */
        OPENAI,
        /** Ollama's OpenAI-compatible endpoint; no key. */
        OLLAMA,
        /** Anthropic's native Messages API, translated both ways. */
        ANTHROPIC;

        /** The name used in configuration files and recorded events. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One configured model.
     *
     * @param model the name clients ask for
     * @param providerModel the name sent upstream
     * @param apiBase the upstream's base URL
     * @param apiKey the resolved key, null when none is configured or its variable is unset
     * @param missingVariable the {@code ENV:} variable that was referenced but not set, if any
     */
    public record Route(String model, Provider provider, String providerModel, URI apiBase, @Nullable String apiKey,
            @Nullable String missingVariable) {

        /** Never shows the key. */
        @Override
        public String toString() {
            return "Route[model=" + model + ", provider=" + provider.id() + ", providerModel=" + providerModel
                    + ", apiBase=" + apiBase + ", apiKey=" + (apiKey == null ? "none" : "***") + "]";
        }
    }

    /** Never shows a key. */
    @Override
    public String toString() {
        return "ProxyConfig[models=" + models.values() + ", suppressPrefixes=" + suppressPrefixes + ", timeout="
                + timeout + ", runIdle=" + runIdle + "]";
    }

    /** A configuration file that cannot be used: what is wrong and where (file, and line and column when known). */
    public static final class InvalidException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Path file;
        private final int line;
        private final int column;

        InvalidException(Path file, int line, int column, String message) {
            super(message);
            this.file = file;
            this.line = line;
            this.column = column;
        }

        /** The file. */
        public Path file() {
            return file;
        }

        /** The line of the problem (1-based), or 0 when it is not about one place. */
        public int line() {
            return line;
        }

        /** The column of the problem (1-based), or 0. */
        public int column() {
            return column;
        }

        /** "file:line:column: message", for logs and {@code /health}. */
        public String describe() {
            return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + getMessage();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Reads {@code file}, resolving {@code ENV:} references against {@code env}.
     *
     * @throws InvalidException if the file cannot be read, is not JSON, or describes models wrongly
     */
    public static ProxyConfig load(Path file, Map<String, String> env) throws InvalidException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidException(file, 0, 0, "file not found");
        } catch (IOException e) {
            throw new InvalidException(file, 0, 0, "cannot read: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidException(file, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidException(file, 0, 0, "cannot read: " + e.getMessage());
        }
        return parse(file, root, env);
    }

    static ProxyConfig parse(Path file, @Nullable JsonNode root, Map<String, String> env) throws InvalidException {
        if (root == null || !root.isObject()) {
            throw new InvalidException(file, 0, 0, "the top level must be an object with a \"models\" list");
        }
        JsonNode list = root.get("models");
        if (list == null || !list.isArray()) {
            throw new InvalidException(file, 0, 0, "\"models\" must be a list of models");
        }
        Map<String, Route> models = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String where = "models[" + i + "]";
            if (!m.isObject()) {
                throw new InvalidException(file, 0, 0, where + " must be an object");
            }
            String providerName = text(file, m, "provider", where, true);
            Provider provider;
            try {
                provider = Provider.valueOf(providerName.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidException(file, 0, 0, where + ".provider must be openai, ollama or anthropic, but was "
                        + providerName);
            }
            String model = text(file, m, "model", where, true);
            String providerModel = text(file, m, "providerModel", where, true);
            String base = text(file, m, "apiBase", where, false);
            if (base == null || base.isBlank()) {
                base = switch (provider) {
                    case OLLAMA -> OLLAMA_BASE;
                    case ANTHROPIC -> ANTHROPIC_BASE;
                    case OPENAI -> OPENAI_BASE;
                };
            }
            URI apiBase;
            try {
                apiBase = URI.create(base.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidException(file, 0, 0, where + ".apiBase is not a URL: " + base);
            }
            if (apiBase.getScheme() == null || !(apiBase.getScheme().equals("http") || apiBase.getScheme().equals("https"))
                    || apiBase.getHost() == null) {
                throw new InvalidException(file, 0, 0, where + ".apiBase must be an http or https URL, but was " + base);
            }
            String key = text(file, m, "apiKey", where, false);
            String missing = null;
            if (key != null && key.startsWith("ENV:")) {
                String name = key.substring(4).trim();
                key = env.get(name);
                if (key == null || key.isBlank()) {
                    key = null;
                    missing = name;
                    warnings.add("model " + model + ": its apiKey references environment variable " + name
                            + ", which is not set; calls to it will fail");
                }
            }
            if (key != null && key.isBlank()) {
                key = null;
            }
            if (models.containsKey(model)) {
                throw new InvalidException(file, 0, 0, where + ": model name " + model + " is configured twice");
            }
            models.put(model, new Route(model, provider, providerModel, apiBase, key, missing));
        }
        List<String> prefixes = DEFAULT_SUPPRESS_PREFIXES;
        JsonNode p = root.get("suppressPrefixes");
        if (p != null && !p.isNull()) {
            if (!p.isArray()) {
                throw new InvalidException(file, 0, 0, "\"suppressPrefixes\" must be a list of strings");
            }
            List<String> list2 = new ArrayList<>();
            for (JsonNode s : p) {
                if (!s.isTextual() || s.asText().isEmpty()) {
                    throw new InvalidException(file, 0, 0, "\"suppressPrefixes\" must hold non-empty strings");
                }
                list2.add(s.asText());
            }
            prefixes = list2;
        }
        Duration timeout = Duration.ofSeconds(positive(file, root, "timeoutSeconds", DEFAULT_TIMEOUT_SECONDS));
        Duration idle = Duration.ofMinutes(positive(file, root, "runIdleMinutes", DEFAULT_RUN_IDLE_MINUTES));
        return new ProxyConfig(models, prefixes, timeout, idle, warnings);
    }

    /** The same configuration with another timeout and idle time (for embedding and tests). */
    public ProxyConfig with(Duration timeout, Duration runIdle) {
        return new ProxyConfig(models, suppressPrefixes, timeout, runIdle, warnings);
    }

    private static long positive(Path file, JsonNode root, String name, long defaultValue) throws InvalidException {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.canConvertToLong() || n.asLong() < 1) {
            throw new InvalidException(file, 0, 0, "\"" + name + "\" must be a positive whole number, but was " + n);
        }
        return n.asLong();
    }

    private static @Nullable String text(Path file, JsonNode m, String field, String where, boolean required)
            throws InvalidException {
        JsonNode n = m.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new InvalidException(file, 0, 0, where + " has no \"" + field + "\"");
            }
            return null;
        }
        if (!n.isTextual() || (required && n.asText().isBlank())) {
            throw new InvalidException(file, 0, 0, where + "." + field + " must be a non-empty string");
        }
        return n.asText();
    }
}
