package com.insidellm.threading;

import static com.insidellm.threading.Fingerprints.chain;
import static com.insidellm.threading.Fingerprints.encode;
import static com.insidellm.threading.Fingerprints.normalise;

import com.insidellm.internal.Checks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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
    /** The most fingerprints a threading may keep: {@value}. */
    public static final int MAX_CAPACITY = 10_000_000;

    /** Conversations queued by {@link #rememberLater}, not fingerprinted yet. */
    private final PendingConversations pending = new PendingConversations();
    private final int capacity;
    private final FingerprintIndex index;

    private ConversationThreads(Builder builder) {
        this.capacity = builder.capacity;
        this.index = new FingerprintIndex(builder.capacity, builder.file);
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
        if (pending.mayPrecede(prefixes.keys.length)) {
            drain();
        }
        // Never the whole request: an identical first request starts a new conversation.
        return index.longest(prefixes.keys, prefixes.keys.length - 1);
    }

    /**
     * Remembers that the conversation {@code request} followed by {@code answer} belongs to {@code runId}. Computes
     * only the fingerprint of the whole request, none of the per-prefix keys that {@link #find} needs.
     */
    public void remember(List<Message> request, Message answer, String runId) {
        byte[] previous = new byte[0];
        for (Message message : request) {
            previous = chain(previous, message);
        }
        remember(previous, answer, runId);
    }

    /**
     * The fingerprint {@link #remember(Prefixes, Message, String)} stores for {@code request} followed by {@code
     * answer}: the key a later turn finds among its {@link Prefixes#keys()}. For callers that keep the index themselves.
     */
    public static String fingerprint(Prefixes request, Message answer) {
        return encode(chain(request.last(), Objects.requireNonNull(answer, "answer")));
    }

    /** Like {@link #remember(List, Message, String)}, with the request's fingerprints already computed. */
    public void remember(Prefixes request, Message answer, String runId) {
        remember(request.last(), answer, runId);
    }

    /**
     * Like {@link #remember(List, Message, String)}, but only queued: the messages are converted and fingerprinted
     * when the next {@link #find} needs them, or earlier by {@link #drain()} (an integration's background thread), so
     * that a call whose run was decided otherwise pays nothing for threading. The suppliers are called once, on the
     * draining thread; a supplier that throws loses that one conversation.
     */
    public void rememberLater(Supplier<List<Message>> request, Supplier<Message> answer, String runId) {
        Objects.requireNonNull(request, "request");
        queue(answer, runId, 0, () -> remember(request.get(), answer.get(), runId));
    }

    /** Like {@link #rememberLater(Supplier, Supplier, String)}, with the request's fingerprints already computed. */
    public void rememberLater(Prefixes request, Supplier<Message> answer, String runId) {
        Objects.requireNonNull(request, "request");
        queue(answer, runId, request.keys.length, () -> remember(request, answer.get(), runId));
    }

    private void queue(Supplier<Message> answer, String runId, int requestLength, Runnable remember) {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(runId, "runId");
        if (pending.add(remember, requestLength) > capacity) {
            // Nobody drains (no background thread, no look-ups): the caller does, so the queue stays bounded.
            drain();
        }
    }

    /** Whether {@link #rememberLater} queued conversations that are not fingerprinted yet. */
    public boolean hasQueued() {
        return pending.hasAny();
    }

    /** Fingerprints and remembers every conversation queued by {@link #rememberLater}. */
    public void drain() {
        pending.drain();
    }

    private void remember(byte[] request, Message answer, String runId) {
        Objects.requireNonNull(runId, "runId");
        index.put(encode(chain(request, Objects.requireNonNull(answer, "answer"))), runId);
    }

    /**
     * Notes that {@code runId} has started; returns whether it is new to this threading (also across restarts, with a
     * file), so that its {@code run.start} is sent once.
     */
    public boolean markRunSeen(String runId) {
        return index.markRunSeen(runId);
    }

    /** The number of remembered fingerprints (queued conversations included). */
    public int size() {
        drain();
        return index.size();
    }

    /** Remembers what is queued, then closes the file, if any. Idempotent; remembering afterwards reopens it. */
    @Override
    public void close() {
        drain();
        index.close();
    }

    /**
     * The chained fingerprints of a request: one per prefix of its messages. Computed once per call, for looking the
     * request up and for remembering it with its answer. The fingerprint of the whole request, which a look-up never
     * needs, is computed when first asked for (when the request is remembered, usually off the caller's thread).
     * Immutable (the deferred fingerprint is the same whoever computes it).
     */
    public static final class Prefixes {
        private static final byte[] NOTHING = new byte[0];
        /** The keys of the prefixes without the last message; the last element is left empty (see {@link #keys()}). */
        final String[] keys;
        private final byte[] beforeLast;
        private final @Nullable Message lastMessage;
        private volatile byte @Nullable [] last;

        private Prefixes(String[] keys, byte[] beforeLast, @Nullable Message lastMessage) {
            this.keys = keys;
            this.beforeLast = beforeLast;
            this.lastMessage = lastMessage;
            this.last = lastMessage == null ? NOTHING : null;
        }

        /** The chained digest of every message. */
        byte[] last() {
            byte[] digest = last;
            if (digest == null) {
                digest = chain(beforeLast, Objects.requireNonNull(lastMessage));
                last = digest;
            }
            return digest;
        }

        /**
         * The fingerprint of each prefix, shortest first: element {@code i} covers messages {@code 0..i}. For callers
         * that keep the index themselves (the collector's gateway keeps it in its database).
         */
        public List<String> keys() {
            String[] all = keys.clone();
            if (all.length > 0) {
                all[all.length - 1] = encode(last());
            }
            return List.of(all);
        }

        /** The fingerprints of {@code messages}. */
        public static Prefixes of(List<Message> messages) {
            int n = messages.size();
            String[] keys = new String[n];
            if (n == 0) {
                return new Prefixes(keys, NOTHING, null);
            }
            byte[] previous = NOTHING;
            if (n > 1) {
                // Usually the system prompt of the last conversation: its fingerprint is known.
                Fingerprints.First first = Fingerprints.first(messages.get(0));
                previous = first.digest();
                keys[0] = first.key();
                for (int i = 1; i < n - 1; i++) {
                    previous = chain(previous, messages.get(i));
                    keys[i] = encode(previous);
                }
            }
            return new Prefixes(keys, previous, messages.get(n - 1));
        }
    }

    /**
     * One message of a conversation, reduced to what identifies it there: its role, its text with white space
     * normalised, the tools it calls (without call ids, which providers may renumber when a conversation is replayed)
     * and the tool results it carries. Every integration builds these from its own message type, so a conversation
     * threads the same whichever way it was recorded. Immutable.
     */
    public static final class Message {
        /**
         * The last system message built and its text: most requests open with the same system prompt, whose
         * canonical form is then not built again. A plain field (no fence on the caller's path): the holder is
         * immutable, so a thread that reads another's store sees it whole; racing threads store equal values or
         * replace each other's, which only costs a rebuild.
         */
        private static @Nullable LastSystem lastSystem;

        private final String canonical;

        private Message(String canonical) {
            this.canonical = canonical;
        }

        /** A system message and the text it was built from. */
        private record LastSystem(String text, Message message) {
        }

        /** A system (or developer) message. */
        public static Message system(@Nullable String text) {
            if (text == null) {
                return new Message("system:");
            }
            LastSystem known = lastSystem;
            if (known != null && (known.text() == text || known.text().equals(text))) {
                return known.message();
            }
            Message built = new Message(normalise(new StringBuilder(16 + text.length()).append("system:"), text)
                    .toString());
            lastSystem = new LastSystem(text, built);
            return built;
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
            this.capacity = Checks.checkRange("capacity", capacity, 1, MAX_CAPACITY);
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
