package com.insidellm.spring;

import com.insidellm.InsideLlmContext;
import com.insidellm.CallRecorder;
import com.insidellm.Event;
import com.insidellm.EventType;
import com.insidellm.InsideLlmClient;
import com.insidellm.Payload;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A {@code ChatClient} advisor that makes the chat-memory conversation id ({@link ChatMemory#CONVERSATION_ID} in the
 * advisor context) the InsideLLM run of the calls made for the request, so that every turn of a conversation lands in
 * one run whatever its messages. An InsideLLM context already active (a run, an annotated method) wins. Added to every
 * {@code ChatClient.Builder} by the auto-configuration; first in the chain so that the memory advisors' calls see it.
 *
 * <p>Run ids are UUIDs on the wire: a conversation id that is one is the run id, any other is mapped to a name-based
 * (version 3) UUID, the same for the same id across restarts and instances. The first time this advisor sees a
 * conversation it records the run's {@code run.start} with {@code conversation_id} in its metadata. Thread-safe.
 */
final class SpringAiConversationAdvisor implements CallAdvisor, StreamAdvisor {

    /** How many conversations the advisor remembers having started a run for: {@value}. */
    static final int REMEMBERED_CONVERSATIONS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(SpringAiConversationAdvisor.class);

    private final Supplier<String> userId;
    private final Supplier<InsideLlmClient> client;
    private final Object lock = new Object();
    /** Conversation id to run id, for the conversations whose run this advisor started (most recent last). */
    private final Map<String, String> started = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_CONVERSATIONS;
        }
    };

    SpringAiConversationAdvisor(Supplier<String> userId, Supplier<InsideLlmClient> client) {
        this.userId = userId;
        this.client = client;
    }

    /** The run id of a conversation id: itself when it is a UUID, else a name-based UUID of it. */
    static String runId(String conversationId) {
        try {
            UUID uuid = UUID.fromString(conversationId);
            if (uuid.toString().equals(conversationId.toLowerCase(java.util.Locale.ROOT))) {
                return uuid.toString();
            }
        } catch (IllegalArgumentException e) {
            // Not a UUID: mapped below.
        }
        return UUID.nameUUIDFromBytes(("spring-ai-conversation:" + conversationId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    @Override
    public String getName() {
        return "InsideLlmConversationAdvisor";
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public ChatClientResponse adviseCall(ChatClientRequest request, CallAdvisorChain chain) {
        InsideLlmContext run = run(request);
        if (run == null) {
            return chain.nextCall(request);
        }
        try (InsideLlmContext.Scope ignored = run.makeCurrent()) {
            return chain.nextCall(request);
        }
    }

    @Override
    public Flux<ChatClientResponse> adviseStream(ChatClientRequest request, StreamAdvisorChain chain) {
        InsideLlmContext run = run(request);
        if (run == null) {
            return chain.nextStream(request);
        }
        // The model is subscribed later, possibly on another thread: the run travels in the Reactor context, where
        // SpringAiChatModelInterceptor reads it.
        Flux<ChatClientResponse> next;
        try (InsideLlmContext.Scope ignored = run.makeCurrent()) {
            next = chain.nextStream(request);
        }
        return next.contextWrite(context -> context.hasKey(SpringAiChatModelInterceptor.CONTEXT_KEY) ? context
                : context.put(SpringAiChatModelInterceptor.CONTEXT_KEY, run));
    }

    private @Nullable InsideLlmContext run(ChatClientRequest request) {
        if (InsideLlmContext.current() != null) {
            return null;
        }
        Object conversation = request.context().get(ChatMemory.CONVERSATION_ID);
        if (conversation == null || conversation.toString().isEmpty()) {
            return null;
        }
        String user;
        try {
            user = userId.get();
        } catch (RuntimeException e) {
            user = null;
        }
        String conversationId = conversation.toString();
        String runUser = user == null || user.isEmpty() ? "anonymous" : user;
        String runId;
        synchronized (lock) {
            runId = started.get(conversationId);
        }
        if (runId == null) {
            // Once per conversation: parsing a non-UUID id throws, and the name-based UUID is an MD5.
            runId = runId(conversationId);
            startRun(conversationId, runId, runUser);
        }
        return InsideLlmContext.of(runId, runUser);
    }

    private void startRun(String conversationId, String runId, String user) {
        synchronized (lock) {
            if (started.putIfAbsent(conversationId, runId) != null) {
                return;
            }
        }
        try {
            InsideLlmClient events = client.get();
            if (events == null) {
                return;
            }
            CallRecorder.of(events).log(runId, user, null, Event.builder(EventType.RUN_START).payload(
                    new Payload.RunStart(runId, InsideLlmSpringAi.SOURCE, Map.of("source", InsideLlmSpringAi.SOURCE,
                            "kind", "conversation", "conversation_id", conversationId))));
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not record the start of a Spring AI conversation", e);
        }
    }
}
