package com.insidellm.modelcall;

import com.insidellm.CallRecorder;
import com.insidellm.threading.ConversationThreads;
import com.insidellm.InsideLlmContext;
import com.insidellm.LlmCallResult;
import com.insidellm.Payload;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model call whose request was recorded. Ends once: the first of {@link #succeeded} and {@link #failed}
 * counts. Thread-safe.
 */
public final class ModelCall {

    /** The recorder's logger: one name turns on the DEBUG logs of all model-call recording. */
    private static final Logger log = LoggerFactory.getLogger(ModelCallRecorder.class);

    static final ModelCall NONE = new ModelCall(null, null, "", "", null, null);

    /** Where the conversation is remembered once answered ({@code null} for a call that records nothing). */
    private final @Nullable AutoThreading threading;
    private final CallRecorder.@Nullable Call recording;
    /** The model and provider of the request, known at once even when the request is described later. */
    private final String model;
    private final String provider;
    /** The request, described when first asked for (or already known). */
    private final @Nullable Supplier<Payload.LlmRequest> request;
    private final ConversationThreads.@Nullable Prefixes prefixes;
    /** Notes activity in the run threading started for the call, without a look-up; {@code null} otherwise. */
    private final @Nullable Runnable touchRun;
    private final AtomicBoolean ended = new AtomicBoolean();

    /** A call recorded in {@code recording}; {@code placed} when automatic threading placed it in its run. */
    ModelCall(@Nullable AutoThreading threading, CallRecorder.@Nullable Call recording, String model,
            String provider, @Nullable Supplier<Payload.LlmRequest> request, AutoThreading.@Nullable Placed placed) {
        this.threading = threading;
        this.touchRun = placed == null ? null : placed.touch();
        this.recording = recording;
        this.model = model;
        this.provider = provider;
        this.request = request;
        this.prefixes = placed == null ? null : placed.prefixes();
    }

    /** A call that records nothing: for a request that could not be described. */
    public static ModelCall none() {
        return NONE;
    }

    /** The id of the call's {@code llm.request} event ({@code null} for a call that records nothing). */
    public @Nullable String requestEventId() {
        return recording == null ? null : recording.eventId();
    }

    /**
     * The context of events nested in the call, such as the tools a framework runs inside it: the call's run and
     * user, its request event as parent; {@code null} for a call that records nothing.
     */
    public @Nullable InsideLlmContext context() {
        return recording == null ? null : recording.context();
    }

    /** Notes that the first streamed output arrived; only the first call counts. */
    public void firstToken() {
        if (recording != null) {
            recording.firstToken();
        }
    }

    /** Records the answer as {@code llm.response}; the cost is estimated from the usage when not set. */
    public void succeeded(LlmCallResult result) {
        end(() -> result, false, 0);
    }

    /**
     * Like {@link #succeeded(LlmCallResult)} for an answer that is costly to describe (a body parsed token by token):
     * the latency and time to first token are taken now, the answer is described later, when its event is processed
     * on the client's flusher thread or when automatic threading remembers the conversation, whichever comes first.
     * {@code result} must therefore read only data no one changes after this call (a copy of the body). An answer that
     * cannot be described is not recorded (its event is dropped as {@code invalid_event}), nor is one to a request
     * that could not be described.
     *
     * @param result describes the answer, once
     * @param estimatedBytes roughly the size of the answer's JSON, at least 0 (the client's queue bounds its memory)
     */
    public void succeededLater(Supplier<LlmCallResult> result, int estimatedBytes) {
        end(result, true, estimatedBytes);
    }

    private void end(Supplier<LlmCallResult> result, boolean later, int estimatedBytes) {
        AutoThreading threads = threading;
        CallRecorder.Call call = recording;
        Supplier<Payload.LlmRequest> sent = request;
        if (threads == null || call == null || sent == null || !ended.compareAndSet(false, true)) {
            return;
        }
        try {
            Supplier<LlmCallResult> answer = result;
            if (later) {
                answer = new Memo<>(() -> {
                    // An answer to a request that was not recorded is not recorded either, as when described now.
                    sent.get();
                    return result.get();
                });
                ModelCallEvents.responseLater(call, model, provider, answer, estimatedBytes);
            } else {
                ModelCallEvents.response(call, model, provider, result.get());
            }
            threads.answered(call.where().runId(), touchRun, sent, prefixes, answer);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not record a model response", e);
        }
    }

    /** Records {@code describe(result)}; a describer that throws costs the event, never the result. */
    public <R> void succeeded(R result, Function<? super R, LlmCallResult> describe) {
        if (recording == null) {
            return;
        }
        LlmCallResult described;
        try {
            described = describe.apply(result);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not describe a model response", e);
            return;
        }
        succeeded(described);
    }

    /** Records the failure with the HTTP status that {@code status} finds in it. */
    public void failed(Throwable error, Function<Throwable, @Nullable Integer> status) {
        Integer code = null;
        try {
            code = status.apply(error);
        } catch (RuntimeException e) {
            log.debug("InsideLLM could not read the status of a failure", e);
        }
        failed(error, code);
    }

    /**
     * Records the failure as an {@code error} event under the request, as every integration does: the exception's
     * class as the error type, {@code httpStatus} as its code when known, and where it failed.
     */
    public void failed(Throwable error, @Nullable Integer httpStatus) {
        CallRecorder.Call call = recording;
        if (call == null || request == null || !ended.compareAndSet(false, true)) {
            return;
        }
        try {
            ModelCallEvents.error(call, model, provider, error, httpStatus);
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not record a model error", e);
        }
    }
}
