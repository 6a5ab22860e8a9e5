package com.insidellm.spring;

import com.insidellm.InsideLlmContext;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.client.ChatClientRequest;
import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.client.advisor.api.CallAdvisor;
import org.springframework.ai.chat.client.advisor.api.CallAdvisorChain;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisor;
import org.springframework.ai.chat.client.advisor.api.StreamAdvisorChain;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.core.Ordered;
import reactor.core.publisher.Flux;

/**
 * A {@code ChatClient} advisor that makes the chat-memory conversation id ({@link ChatMemory#CONVERSATION_ID} in the
 * advisor context) the InsideLLM run of the calls made for the request, so that every turn of a conversation lands in
 * one run whatever its messages. An InsideLLM context already active (a run, an annotated method) wins. Added to every
 * {@code ChatClient.Builder} by the auto-configuration; first in the chain so that the memory advisors' calls see it.
 * Thread-safe.
 */
final class SpringAiConversationAdvisor implements CallAdvisor, StreamAdvisor {

    private final Supplier<String> userId;

    SpringAiConversationAdvisor(Supplier<String> userId) {
        this.userId = userId;
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
        return InsideLlmContext.of(conversation.toString(), user == null || user.isEmpty() ? "anonymous" : user);
    }
}
