package com.insidellm.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic conversation threading: groups model calls made without any run into conversations.
 *
 * <p>After each answered call it remembers the SHA-256 fingerprint of the normalised conversation so far (the
 * request's messages plus the answer) with the call's run. A later request whose messages start with a remembered
 * conversation, the next turn of it, gets the same run. Fingerprints are chained message by message, so every prefix
 * of a request is looked up with one hash per message, longest first. Only prefixes that end with an assistant
 * message are remembered, so two conversations that merely share a system prompt or a first question stay apart.
 *
 * <p>Memory is bounded by an LRU of {@code capacity} fingerprints. With a file, remembered fingerprints are appended
 * as {@code fingerprint<TAB>runId} lines and read back at start, so conversations continue across restarts; the file
 * is compacted at start when it has grown past twice the capacity. Thread-safe.
 */
final class ConversationThreads implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConversationThreads.class);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final byte SEPARATOR = 0x1f;

    private final Object lock = new Object();
    private final int capacity;
    private final LinkedHashMap<String, String> runsByFingerprint;
    private final LinkedHashMap<String, Boolean> seenRuns;
    private final @Nullable Path file;
    private @Nullable BufferedWriter writer;

    ConversationThreads(int capacity, @Nullable Path file) {
        this.capacity = capacity;
        this.runsByFingerprint = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > ConversationThreads.this.capacity;
            }
        };
        this.seenRuns = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > ConversationThreads.this.capacity;
            }
        };
        this.file = file;
        if (file != null) {
            load(file);
        }
    }

    /** The run of the longest remembered conversation that {@code messages} continues, or {@code null}. */
    @Nullable String find(List<ChatMessage> messages) {
        return find(Prefixes.of(messages));
    }

    /** Like {@link #find(List)}, with the request's fingerprints already computed. */
    @Nullable String find(Prefixes prefixes) {
        synchronized (lock) {
            // Never the whole request: an identical first request starts a new conversation.
            for (int length = prefixes.keys.length - 1; length >= 1; length--) {
                String run = runsByFingerprint.get(prefixes.keys[length - 1]);
                if (run != null) {
                    return run;
                }
            }
        }
        return null;
    }

    /** Remembers that the conversation {@code messages} followed by {@code answer} belongs to {@code runId}. */
    void remember(List<ChatMessage> messages, @Nullable AiMessage answer, String runId) {
        remember(Prefixes.of(messages), answer, runId);
    }

    /** Like {@link #remember(List, AiMessage, String)}, with the request's fingerprints already computed. */
    void remember(Prefixes request, @Nullable AiMessage answer, String runId) {
        if (answer == null) {
            return;
        }
        String fingerprint = encode(chain(request.last, answer));
        synchronized (lock) {
            if (runId.equals(runsByFingerprint.put(fingerprint, runId))) {
                return;
            }
            append(fingerprint, runId);
        }
    }

    /**
     * The chained fingerprints of a request: {@code keys[i]} covers messages {@code 0..i}. Computed once per call,
     * for looking the request up and for remembering it with its answer. Immutable.
     */
    static final class Prefixes {
        final String[] keys;
        final byte[] last;

        private Prefixes(String[] keys, byte[] last) {
            this.keys = keys;
            this.last = last;
        }

        static Prefixes of(List<ChatMessage> messages) {
            String[] keys = new String[messages.size()];
            byte[] previous = new byte[0];
            for (int i = 0; i < keys.length; i++) {
                previous = chain(previous, messages.get(i));
                keys[i] = encode(previous);
            }
            return new Prefixes(keys, previous);
        }
    }

    private static byte[] chain(byte[] previous, @Nullable ChatMessage message) {
        MessageDigest digest = sha256();
        digest.update(previous);
        digest.update(SEPARATOR);
        digest.update(canonical(message).getBytes(StandardCharsets.UTF_8));
        return digest.digest();
    }

    private static String encode(byte[] digest) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    /** A message reduced to what identifies it in a conversation: role, normalised text, tool calls and results. */
    static String canonical(@Nullable ChatMessage message) {
        StringBuilder sb = new StringBuilder();
        if (message instanceof SystemMessage system) {
            sb.append("system:").append(normalise(system.text()));
        } else if (message instanceof UserMessage user) {
            sb.append("user:");
            for (Content content : user.contents()) {
                if (content instanceof TextContent text) {
                    sb.append(normalise(text.text())).append('\n');
                } else if (content instanceof ImageContent image && image.image() != null) {
                    Object source = image.image().url() != null ? image.image().url() : image.image().base64Data();
                    sb.append("[image ").append(source == null ? "" : Integer.toHexString(source.hashCode()))
                            .append("]\n");
                } else {
                    sb.append('[').append(content.type()).append("]\n");
                }
            }
        } else if (message instanceof AiMessage ai) {
            sb.append("assistant:").append(normalise(ai.text()));
            if (ai.hasToolExecutionRequests()) {
                for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                    // Without the call id: providers may renumber ids when a conversation is replayed.
                    sb.append("\ncall ").append(request.name()).append(' ').append(normalise(request.arguments()));
                }
            }
        } else if (message instanceof ToolExecutionResultMessage result) {
            sb.append("tool:").append(result.toolName()).append(' ').append(normalise(result.text()));
        } else if (message != null) {
            sb.append(message.type()).append(':').append(normalise(message.toString()));
        }
        return sb.toString();
    }

    private static String normalise(@Nullable String text) {
        return text == null ? "" : WHITESPACE.matcher(text.strip()).replaceAll(" ");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private void load(Path path) {
        int lines = 0;
        if (Files.exists(path)) {
            try {
                for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                    int tab = line.indexOf('\t');
                    if (tab > 0 && tab < line.length() - 1) {
                        String runId = line.substring(tab + 1);
                        runsByFingerprint.put(line.substring(0, tab), runId);
                        seenRuns.put(runId, Boolean.TRUE);
                        lines++;
                    }
                }
            } catch (IOException e) {
                log.warn("Could not read the conversation threading file {}; starting empty: {}", path, e.toString());
            }
        }
        if (lines > 2L * capacity) {
            compact(path);
        }
    }

    private void compact(Path path) {
        try {
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, String> entry : runsByFingerprint.entrySet()) {
                    out.write(entry.getKey() + '\t' + entry.getValue() + '\n');
                }
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("Could not compact the conversation threading file {}: {}", path, e.toString());
        }
    }

    private void append(String fingerprint, String runId) {
        if (file == null) {
            return;
        }
        try {
            if (writer == null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            writer.write(fingerprint + '\t' + runId + '\n');
            writer.flush();
        } catch (IOException e) {
            log.debug("Could not persist a conversation fingerprint to {}", file, e);
        }
    }

    /** Notes that {@code runId} has started; returns whether it is new, so its {@code run.start} is sent once. */
    boolean markRunSeen(String runId) {
        synchronized (lock) {
            return seenRuns.put(runId, Boolean.TRUE) == null;
        }
    }

    /** The number of remembered fingerprints. */
    int size() {
        synchronized (lock) {
            return runsByFingerprint.size();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    log.debug("Could not close the conversation threading file {}", file, e);
                }
                writer = null;
            }
        }
    }
}
