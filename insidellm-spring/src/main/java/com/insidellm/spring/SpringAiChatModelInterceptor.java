package com.insidellm.spring;

import com.insidellm.InsideLlmContext;
import com.insidellm.LlmCallResult;
import com.insidellm.modelcall.ModelCall;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.modelcall.StreamAccumulator;
import com.insidellm.modelcall.StreamRecording;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.aop.Advisor;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import reactor.core.publisher.Flux;

/**
 * Records the calls of one Spring AI {@link ChatModel} through {@link ModelCallRecorder}: {@code call(Prompt)} and
 * {@code stream(Prompt)}, and the convenience methods that build a prompt. The model is proxied by class, so a bean
 * declared as {@code OpenAiChatModel} can still be injected as one; a final class (Spring AI 2.0's models) is proxied
 * by its interfaces, so inject it as {@code ChatModel}. The {@link SpringAiToolCallingManager} records the tools
 * Spring AI runs as children of the call that asked for them: tools run inside a blocking call see its context, those
 * of a stream find it in the Reactor context, and tools run after the call (Spring AI 2.0's {@code ChatClient}) find
 * it through {@link SpringAiToolRequests}, noted here when an answer asks for tools. Thread-safe.
 */
final class SpringAiChatModelInterceptor implements MethodInterceptor {

    /** The key of the InsideLLM context in a stream's Reactor context, set by {@link SpringAiConversationAdvisor}. */
    static final String CONTEXT_KEY = InsideLlmContext.class.getName();
    /**
     * The key of a streamed model call's context in the Reactor context its source sees: Spring AI 1.1 runs the tools
     * of a stream inside it, on a Reactor thread, and {@link SpringAiToolCallingManager} finds the call there.
     */
    static final String MODEL_CALL_KEY = CONTEXT_KEY + ".modelCall";

    private static final Logger log = LoggerFactory.getLogger(SpringAiChatModelInterceptor.class);
    private static final Pattern STATUS = Pattern.compile("^(?:HTTP )?([1-5]\\d\\d)\\b");

    private final ModelCallRecorder recorder;
    /**
     * The provider and default options of the proxied model, read at its first call: asking a model for its default
     * options copies them every time (one interceptor per model, whose defaults are fixed when it is built).
     * Immutable; racing first calls store equal values.
     */
    private volatile @Nullable ModelFacts facts;

    private SpringAiChatModelInterceptor(ModelCallRecorder recorder) {
        this.recorder = recorder;
    }

    /** What every request to one model shares. */
    private record ModelFacts(String provider, SpringAiMessages.Options defaults) {
    }

    private ModelFacts facts(ChatModel model) {
        ModelFacts known = facts;
        if (known == null) {
            known = new ModelFacts(SpringAiMessages.provider(model), SpringAiMessages.Options.defaults(model));
            facts = known;
        }
        return known;
    }

    /** {@code model} recording through {@code recorder}; {@code model} itself when it already records. */
    static ChatModel wrap(ChatModel model, ModelCallRecorder recorder) {
        if (isRecorded(model)) {
            return model;
        }
        try {
            ProxyFactory factory = new ProxyFactory(model);
            // Spring AI 2.0's chat models are final classes: those get a proxy of their interfaces.
            factory.setProxyTargetClass(!Modifier.isFinal(model.getClass().getModifiers()));
            factory.addAdvice(new SpringAiChatModelInterceptor(recorder));
            return (ChatModel) factory.getProxy(model.getClass().getClassLoader());
        } catch (RuntimeException | LinkageError e) {
            // Recording must never cost the application its model.
            log.debug("InsideLLM cannot record the Spring AI chat model {}", model.getClass().getName(), e);
            return model;
        }
    }

    static boolean isRecorded(Object bean) {
        if (bean instanceof Advised advised) {
            for (Advisor advisor : advised.getAdvisors()) {
                if (advisor.getAdvice() instanceof SpringAiChatModelInterceptor) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = invocation.getMethod();
        Object[] args = invocation.getArguments();
        if (args.length != 1 || !(invocation.getThis() instanceof ChatModel model)) {
            return invocation.proceed();
        }
        String name = method.getName();
        Object arg = args[0];
        if (arg instanceof Prompt prompt) {
            if ("call".equals(name)) {
                return call(model, prompt, invocation);
            }
            if ("stream".equals(name)) {
                return stream(model, prompt, invocation);
            }
            return invocation.proceed();
        }
        // The convenience methods are interface defaults that call the target's own call(Prompt), past this proxy:
        // send them through the proxy instead, as ChatModel's defaults build their prompt.
        if (invocation instanceof ProxyMethodInvocation proxied && proxied.getProxy() instanceof ChatModel self) {
            if ("call".equals(name) && arg instanceof String text) {
                Generation generation = self.call(new Prompt(new UserMessage(text))).getResult();
                return generation != null ? generation.getOutput().getText() : "";
            }
            if ("stream".equals(name) && arg instanceof String text) {
                return self.stream(new Prompt(new UserMessage(text))).map(SpringAiChatModelInterceptor::text);
            }
        }
        return invocation.proceed();
    }

    private static String text(ChatResponse response) {
        Generation generation = response.getResult();
        return generation == null || generation.getOutput() == null || generation.getOutput().getText() == null ? ""
                : generation.getOutput().getText();
    }

    private Object call(ChatModel model, Prompt prompt, MethodInvocation invocation) throws Throwable {
        ModelCall call = start(model, prompt);
        InsideLlmContext inside = call.context();
        Object response;
        try (InsideLlmContext.Scope ignored = inside == null ? null : inside.makeCurrent()) {
            response = invocation.proceed();
        } catch (Throwable e) {
            call.failed(e, SpringAiChatModelInterceptor::status);
            throw e;
        }
        if (response instanceof ChatResponse chatResponse) {
            answered(call, chatResponse);
            askedForTools(chatResponse, inside);
        }
        return response;
    }

    /**
     * Records the request of a blocking call: what it sends is read now ({@link SpringAiMessages.Sent}), and described
     * later, off the caller's thread, unless automatic threading needs its messages now to place it.
     */
    private ModelCall start(ChatModel model, Prompt prompt) {
        String provider;
        SpringAiMessages.Sent sent;
        int bytes;
        try {
            ModelFacts known = facts(model);
            provider = known.provider();
            sent = SpringAiMessages.Sent.of(prompt, known.defaults());
            bytes = sent.estimatedBytes();
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not read a Spring AI request", e);
            return ModelCall.none();
        }
        String modelName = sent.model() == null ? "unknown" : sent.model();
        // Outside a context threading reads the messages now, in its own form.
        return recorder.startLaterConversation(modelName, provider, false, bytes,
                () -> SpringAiMessages.conversation(sent.messages()), () -> SpringAiMessages.request(provider, sent,
                false));
    }

    /** Records the answer, described later: Spring AI's responses are not changed once returned. */
    private static void answered(ModelCall call, ChatResponse response) {
        int bytes;
        try {
            bytes = SpringAiMessages.estimatedBytes(response);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not read a Spring AI response", e);
            bytes = 2048;
        }
        call.succeededLater(() -> SpringAiMessages.result(response), bytes);
    }

    @SuppressWarnings("unchecked")
    private Object stream(ChatModel model, Prompt prompt, MethodInvocation invocation) throws Throwable {
        Flux<ChatResponse> source = (Flux<ChatResponse>) invocation.proceed();
        if (source == null) {
            return null;
        }
        InsideLlmContext assembled = InsideLlmContext.current();
        // Recording starts when the stream is subscribed (when the request is sent), in the run of the conversation
        // advisor when there is one, else of the context active where the stream was built.
        return Flux.deferContextual(view -> {
            InsideLlmContext where = view.getOrDefault(CONTEXT_KEY, assembled);
            ModelCall call;
            try (InsideLlmContext.Scope ignored = where == null ? null : where.makeCurrent()) {
                call = recorder.start(() -> {
                    ModelFacts known = facts(model);
                    return SpringAiMessages.request(known.provider(),
                            SpringAiMessages.Sent.of(prompt, known.defaults()), true);
                });
            }
            InsideLlmContext inside = call.context();
            StreamRecording<ChatResponse> recording = new StreamRecording<>(call,
                    new Accumulator(inside), SpringAiChatModelInterceptor::status);
            Flux<ChatResponse> recorded = source.doOnNext(recording::next).doOnComplete(recording::completed)
                    .doOnError(recording::failed).doOnCancel(recording::closed);
            return inside == null ? recorded : recorded.contextWrite(context -> context.put(MODEL_CALL_KEY, inside));
        });
    }

    /** Notes which call asked for the tools of {@code response}, for the tool-calling manager that runs them later. */
    private static void askedForTools(ChatResponse response, @Nullable InsideLlmContext call) {
        if (call == null) {
            return;
        }
        try {
            for (Generation generation : response.getResults()) {
                AssistantMessage message = generation.getOutput();
                if (message != null && message.hasToolCalls()) {
                    SpringAiToolRequests.asked(message.getToolCalls(), call);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not note the tool calls of a Spring AI answer", e);
        }
    }

    /** The HTTP status of a Spring AI failure: its message starts with it ({@code 401 - {...}}), or a cause's does. */
    static @Nullable Integer status(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            String message = e.getMessage();
            if (message != null) {
                Matcher matcher = STATUS.matcher(message);
                if (matcher.find()) {
                    return Integer.valueOf(matcher.group(1));
                }
            }
        }
        return null;
    }

    /** Assembles a streamed answer from Spring AI's chunks: text, tool calls, the last finish reason and usage. */
    private static final class Accumulator implements StreamAccumulator<ChatResponse> {
        private final StringBuilder text = new StringBuilder();
        private final List<AssistantMessage.ToolCall> toolCalls = new ArrayList<>();
        private @Nullable String finishReason;
        private @Nullable Usage usage;
        private @Nullable String id;
        private @Nullable String model;
        private final @Nullable InsideLlmContext call;

        Accumulator(@Nullable InsideLlmContext call) {
            this.call = call;
        }

        @Override
        public boolean accept(ChatResponse chunk) {
            boolean output = false;
            for (Generation generation : chunk.getResults()) {
                AssistantMessage message = generation.getOutput();
                if (message != null) {
                    String part = message.getText();
                    if (part != null && !part.isEmpty()) {
                        text.append(part);
                        output = true;
                    }
                    if (message.hasToolCalls()) {
                        toolCalls.addAll(message.getToolCalls());
                        if (call != null) {
                            SpringAiToolRequests.asked(message.getToolCalls(), call);
                        }
                        output = true;
                    }
                }
                if (generation.getMetadata() != null && generation.getMetadata().getFinishReason() != null
                        && !generation.getMetadata().getFinishReason().isEmpty()) {
                    finishReason = generation.getMetadata().getFinishReason();
                }
            }
            if (chunk.getMetadata() != null) {
                if (SpringAiMessages.usage(chunk.getMetadata().getUsage()) != null) {
                    usage = chunk.getMetadata().getUsage();
                }
                if (chunk.getMetadata().getId() != null && !chunk.getMetadata().getId().isEmpty()) {
                    id = chunk.getMetadata().getId();
                }
                if (chunk.getMetadata().getModel() != null && !chunk.getMetadata().getModel().isEmpty()) {
                    model = chunk.getMetadata().getModel();
                }
            }
            return output;
        }

        @Override
        public LlmCallResult result() {
            Map<String, @Nullable Object> message = SpringAiMessages.assistant(text.toString(), toolCalls);
            return LlmCallResult.builder(text.toString()).responseMessage(message)
                    .finishReason(SpringAiMessages.normalise(finishReason)).usage(SpringAiMessages.usage(usage))
                    .responseId(id).responseModel(model).build();
        }
    }
}
