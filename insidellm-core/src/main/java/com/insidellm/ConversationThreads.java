package com.insidellm;

import static com.insidellm.Fingerprints.chain;
import static com.insidellm.Fingerprints.encode;
import static com.insidellm.Fingerprints.normalise;
import static com.insidellm.Fingerprints.sha256;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic conversation threading: groups model calls made without any run into conversations, for integrations
 * that see only the messages of each call (LangChain4j's model listener, a gateway, a provider SDK wrapper).
 *
 * <pre>{@code
 * ConversationThreads threads = ConversationThreads.builder().build();
 * ConversationThreads.Prefixes request = ConversationThreads.Prefixes.of(messages);   // List<Message>
 * String runId = threads.find(request);            // null: a new conversation, start a run
 * ...                                              // after the model answered:
 * threads.remember(request, ConversationThreads.Message.assistant(answer, List.of()), runId);
 * }</pre>
 *
 * <p>After each answered call it remembers the SHA-256 fingerprint of the normalised conversation so far (the
 * request's messages plus the answer) with the call's run. A later request whose messages start with a remembered
 * conversation, the next turn of it, gets the same run. Fingerprints are chained message by message, so every prefix
 * of a request is looked up with one hash per message, longest first. Only prefixes that end with an assistant
 * message are remembered, so two conversations that merely share a system prompt or a first question stay apart.
 *
 * <p>An integration that records calls whose run is already decided can queue their conversations with
 * {@link #rememberLater} and {@link #drain()} them on a background thread: the caller then pays nothing for
 * threading, and a look-up still sees every conversation queued before it.
 *
 * <p>Memory is bounded by an LRU of {@code capacity} fingerprints. With a file, remembered fingerprints are appended
 * as {@code fingerprint<TAB>runId} lines and read back at start, so conversations continue across restarts; the file
 * is compacted at start when it has grown past twice the capacity. The file holds hashes and run ids, never message
 * text. Thread-safe.
 */
public final class ConversationThreads implements AutoCloseable {

    /** Default number of fingerprints kept: {@value}. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ConversationThreads.class);

    private final Object lock = new Object();
    private final Object drainLock = new Object();
    private final Queue<Queued> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    /** The fewest request messages among queued conversations (a large value when none). */
    private final AtomicInteger shortestQueued = new AtomicInteger(Integer.MAX_VALUE - 2);
    private final int capacity;
    private final LinkedHashMap<String, String> runsByFingerprint;
    private final LinkedHashMap<String, Boolean> seenRuns;
    private final @Nullable ThreadingFile file;

    private ConversationThreads(Builder builder) {
        this.capacity = builder.capacity;
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
        this.file = builder.file == null ? null : new ThreadingFile(builder.file);
        if (file != null) {
            int lines = file.load((fingerprint, runId) -> {
                runsByFingerprint.put(fingerprint, runId);
                seenRuns.put(runId, Boolean.TRUE);
            });
            if (lines > 2L * capacity) {
                file.compact(runsByFingerprint);
            }
        }
    }

    /** A builder for threading kept in memory, {@value #DEFAULT_CAPACITY} fingerprints. */
    public static Builder builder() {
        return new Builder();
    }

    /** The run of the longest remembered conversation that {@code messages} continues, or {@code null}. */
    public @Nullable String find(List<Message> messages) {
        return find(Prefixes.of(messages));
    }

    /** Like {@link #find(List)}, with the request's fingerprints already computed. */
    public @Nullable String find(Prefixes prefixes) {
        // A queued conversation of n messages plus its answer can only be a prefix of a request of n + 2 or more.
        if (prefixes.keys.length >= shortestQueued.get() + 2) {
            drain();
        }
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

    /**
     * Remembers that the conversation {@code request} followed by {@code answer} belongs to {@code runId}. Computes
     * only the fingerprint of the whole request, none of the per-prefix keys that {@link #find} needs.
     */
    public void remember(List<Message> request, Message answer, String runId) {
        MessageDigest digest = sha256();
        byte[] previous = new byte[0];
        for (Message message : request) {
            previous = chain(digest, previous, message);
        }
        remember(digest, previous, answer, runId);
    }

    /**
     * The fingerprint {@link #remember(Prefixes, Message, String)} stores for {@code request} followed by {@code
     * answer}: the key a later turn finds among its {@link Prefixes#keys()}. For callers that keep the index themselves.
     */
    public static String fingerprint(Prefixes request, Message answer) {
        return encode(chain(sha256(), request.last, Objects.requireNonNull(answer, "answer")));
    }

    /** Like {@link #remember(List, Message, String)}, with the request's fingerprints already computed. */
    public void remember(Prefixes request, Message answer, String runId) {
        remember(sha256(), request.last, answer, runId);
    }

    /**
     * Like {@link #remember(List, Message, String)}, but only queued: the messages are converted and fingerprinted
     * when the next {@link #find} needs them, or earlier by {@link #drain()} (an integration's background thread), so
     * that a call whose run was decided otherwise pays nothing for threading. The suppliers are called once, on the
     * draining thread; a supplier that throws loses that one conversation.
     */
    public void rememberLater(Supplier<List<Message>> request, Supplier<Message> answer, String runId) {
        queue(new Queued(Objects.requireNonNull(request, "request"), null, answer, runId), 0);
    }

    /** Like {@link #rememberLater(Supplier, Supplier, String)}, with the request's fingerprints already computed. */
    public void rememberLater(Prefixes request, Supplier<Message> answer, String runId) {
        queue(new Queued(null, Objects.requireNonNull(request, "request"), answer, runId), request.keys.length);
    }

    private void queue(Queued entry, int requestLength) {
        Objects.requireNonNull(entry.answer, "answer");
        Objects.requireNonNull(entry.runId, "runId");
        queued.add(entry);
        shortestQueued.accumulateAndGet(requestLength, Math::min);
        if (queuedCount.incrementAndGet() > capacity) {
            // Nobody drains (no background thread, no look-ups): the caller does, so the queue stays bounded.
            drain();
        }
    }

    /** Whether {@link #rememberLater} queued conversations that are not fingerprinted yet. */
    public boolean hasQueued() {
        return queuedCount.get() > 0;
    }

    /** Fingerprints and remembers every conversation queued by {@link #rememberLater}. */
    public void drain() {
        if (queuedCount.get() == 0) {
            return;
        }
        // One drainer at a time, and find() waits for it: a look-up sees every conversation queued before it.
        synchronized (drainLock) {
            // Reset before polling: an entry queued meanwhile lowers it again after it is in the queue.
            shortestQueued.set(Integer.MAX_VALUE - 2);
            Queued next;
            while ((next = queued.poll()) != null) {
                queuedCount.decrementAndGet();
                try {
                    if (next.prefixes != null) {
                        remember(next.prefixes, next.answer.get(), next.runId);
                    } else {
                        remember(Objects.requireNonNull(next.request).get(), next.answer.get(), next.runId);
                    }
                } catch (RuntimeException e) {
                    log.debug("Could not fingerprint a conversation for threading", e);
                }
            }
        }
    }

    private record Queued(@Nullable Supplier<List<Message>> request, @Nullable Prefixes prefixes,
            Supplier<Message> answer, String runId) {
    }

    private void remember(MessageDigest digest, byte[] request, Message answer, String runId) {
        Objects.requireNonNull(runId, "runId");
        String fingerprint = encode(chain(digest, request, Objects.requireNonNull(answer, "answer")));
        synchronized (lock) {
            if (runId.equals(runsByFingerprint.put(fingerprint, runId))) {
                return;
            }
            if (file != null) {
                file.append(fingerprint, runId);
            }
        }
    }

    /**
     * Notes that {@code runId} has started; returns whether it is new to this threading (also across restarts, with a
     * file), so that its {@code run.start} is sent once.
     */
    public boolean markRunSeen(String runId) {
        synchronized (lock) {
            return seenRuns.put(Objects.requireNonNull(runId, "runId"), Boolean.TRUE) == null;
        }
    }

    /** The number of remembered fingerprints (queued conversations included). */
    public int size() {
        drain();
        synchronized (lock) {
            return runsByFingerprint.size();
        }
    }

    /** Remembers what is queued, then closes the file, if any. Idempotent; remembering afterwards reopens it. */
    @Override
    public void close() {
        drain();
        synchronized (lock) {
            if (file != null) {
                file.close();
            }
        }
    }

    /**
     * The chained fingerprints of a request: one per prefix of its messages. Computed once per call, for looking the
     * request up and for remembering it with its answer. Immutable.
     */
    public static final class Prefixes {
        final String[] keys;
        final byte[] last;

        private Prefixes(String[] keys, byte[] last) {
            this.keys = keys;
            this.last = last;
        }

        /**
         * The fingerprint of each prefix, shortest first: element {@code i} covers messages {@code 0..i}. For callers
         * that keep the index themselves (the collector's gateway keeps it in its database).
         */
        public List<String> keys() {
            return List.of(keys);
        }

        /** The fingerprints of {@code messages}. */
        public static Prefixes of(List<Message> messages) {
            String[] keys = new String[messages.size()];
            MessageDigest digest = sha256();
            byte[] previous = new byte[0];
            for (int i = 0; i < keys.length; i++) {
                previous = chain(digest, previous, messages.get(i));
                keys[i] = encode(previous);
            }
            return new Prefixes(keys, previous);
        }
    }

    /**
     * One message of a conversation, reduced to what identifies it there: its role, its text with white space
     * normalised, the tools it calls (without call ids, which providers may renumber when a conversation is replayed)
     * and the tool results it carries. Every integration builds these from its own message type, so a conversation
     * threads the same whichever way it was recorded. Immutable.
     */
    public static final class Message {
        private final String canonical;

        private Message(String canonical) {
            this.canonical = canonical;
        }

        /** A system (or developer) message. */
        public static Message system(@Nullable String text) {
            return new Message(normalise(new StringBuilder(16 + length(text)).append("system:"), text).toString());
        }

        /** A user message of one text part. */
        public static Message user(@Nullable String text) {
            return new Message(normalise(new StringBuilder(16 + length(text)).append("user:"), text).append('\n')
                    .toString());
        }

        /** A builder for a user message of several parts (text, images, other content). */
        public static UserBuilder userBuilder() {
            return new UserBuilder();
        }

        /** An assistant message: its text and the tools it calls, in order. */
        public static Message assistant(@Nullable String text, List<ToolCall> toolCalls) {
            StringBuilder sb = normalise(new StringBuilder(16 + length(text)).append("assistant:"), text);
            for (ToolCall call : toolCalls) {
                sb.append("\ncall ").append(call.name()).append(' ');
                normalise(sb, call.arguments());
            }
            return new Message(sb.toString());
        }

        /** The result of the tool {@code toolName}. */
        public static Message toolResult(@Nullable String toolName, @Nullable String result) {
            return new Message(normalise(new StringBuilder(16 + length(result)).append("tool:").append(toolName)
                    .append(' '), result).toString());
        }

        /** A message of another kind ({@code type} names it), identified by its text. */
        public static Message other(String type, @Nullable String text) {
            return new Message(normalise(new StringBuilder().append(type).append(':'), text).toString());
        }

        /**
         * Messages in the OpenAI chat format ({@code role}, {@code content} as text or parts, {@code tool_calls},
         * {@code name} or {@code tool_call_id} on tool results): what a gateway or a provider SDK wrapper sees.
         * A tool result without {@code name} takes the name of the call it answers.
         */
        public static List<Message> fromChat(List<? extends Map<String, ?>> messages) {
            return ChatFormat.messages(messages);
        }

        private static int length(@Nullable String text) {
            return text == null ? 0 : text.length();
        }

        /** The canonical form that is fingerprinted. */
        @Override
        public String toString() {
            return canonical;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Message other && canonical.equals(other.canonical);
        }

        @Override
        public int hashCode() {
            return canonical.hashCode();
        }
    }

    /**
     * A tool an assistant message calls: its name and its arguments (JSON text, normalised like message text).
     *
     * @param name the tool's name
     * @param arguments the arguments as the model wrote them, or {@code null}
     */
    public record ToolCall(String name, @Nullable String arguments) {
    }

    /** Builds a user message of several parts. Not thread-safe. */
    public static final class UserBuilder {
        private final StringBuilder sb = new StringBuilder(64).append("user:");

        private UserBuilder() {
        }

        /** Adds a text part. */
        public UserBuilder text(@Nullable String text) {
            normalise(sb, text).append('\n');
            return this;
        }

        /**
         * Adds an image, identified by the hash code of {@code source} (its URL or data; never stored): two images
         * with the same source are the same message part.
         */
        public UserBuilder image(@Nullable Object source) {
            sb.append("[image ").append(source == null ? "" : Integer.toHexString(source.hashCode())).append("]\n");
            return this;
        }

        /** Adds a part of another kind (audio, a file...), identified only by its {@code type}. */
        public UserBuilder other(String type) {
            sb.append('[').append(type).append("]\n");
            return this;
        }

        /** The message. */
        public Message build() {
            return new Message(sb.toString());
        }
    }

    /** Builds {@link ConversationThreads}. Not thread-safe. */
    public static final class Builder {
        private int capacity = DEFAULT_CAPACITY;
        private @Nullable Path file;

        private Builder() {
        }

        /** How many fingerprints are kept (least recently used go first), 1 to 10,000,000. */
        public Builder capacity(int capacity) {
            if (capacity < 1 || capacity > 10_000_000) {
                throw new IllegalArgumentException("capacity must be between 1 and 10000000, but was " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /** A file that keeps the fingerprints across restarts, or {@code null} for memory only (the default). */
        public Builder file(@Nullable Path file) {
            this.file = file;
            return this;
        }

        /** Builds the threading; reads the file if one is set. */
        public ConversationThreads build() {
            return new ConversationThreads(this);
        }
    }
}
