package com.insidellm.openai;

import com.insidellm.LlmCallResult;
import com.insidellm.modelcall.ModelCall;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.modelcall.StreamAccumulator;
import com.insidellm.modelcall.StreamRecording;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Runs one intercepted OpenAI call with its recording around it (through {@link ModelCallRecorder}): the call itself
 * always runs and its result or exception always reaches the caller unchanged; streams reach the application as the
 * SDK's own, observed as they are consumed.
 */
final class OpenAiCalls {

    /** The provider name recorded for OpenAI: {@value}. */
    static final String PROVIDER = "openai";

    /** What the client's queue counts for a request described later: a few chat messages, roughly. */
    private static final int REQUEST_BYTES = 4096;

    private final ModelCallRecorder recorder;

    OpenAiCalls(ModelCallRecorder recorder) {
        this.recorder = recorder;
    }

    /**
     * A call whose request and answer (the SDK's immutable parameter and response objects) are described off the
     * caller's thread where they can be ({@link ModelCallRecorder#callLater}); {@code model} reads the request's
     * model at once.
     */
    <R> R call(Supplier<String> model, Supplier<ModelCallRecorder.Request> request, Supplier<R> call,
            Function<R, LlmCallResult> describe) {
        return recorder.callLater(model, PROVIDER, REQUEST_BYTES, request, call, describe, OpenAiCalls::status);
    }

    <R> CompletableFuture<R> callAsync(Supplier<String> model, Supplier<ModelCallRecorder.Request> request,
            Supplier<CompletableFuture<R>> call, Function<R, LlmCallResult> describe) {
        return recorder.callAsyncLater(model, PROVIDER, REQUEST_BYTES, request, call, describe,
                OpenAiCalls::status);
    }

    <T> StreamResponse<T> stream(Supplier<ModelCallRecorder.Request> request, Supplier<StreamResponse<T>> open,
            StreamAccumulator<T> accumulator) {
        return recorder.stream(request, open, (call, stream) -> observed(call, stream, accumulator),
                OpenAiCalls::status);
    }

    private static <T> StreamResponse<T> observed(ModelCall call, StreamResponse<T> stream,
            StreamAccumulator<T> accumulator) {
        StreamRecording<T> recording = new StreamRecording<>(call, accumulator,
                OpenAiCalls::status);
        return new StreamResponse<>() {
            @Override
            public Stream<T> stream() {
                return recording.observe(stream.stream());
            }

            @Override
            public void close() {
                try {
                    stream.close();
                } finally {
                    recording.closed();
                }
            }
        };
    }

    <T> AsyncStreamResponse<T> streamAsync(Supplier<ModelCallRecorder.Request> request,
            Supplier<AsyncStreamResponse<T>> open, StreamAccumulator<T> accumulator) {
        return recorder.stream(request, open, (call, stream) -> observedAsync(call, stream, accumulator),
                OpenAiCalls::status);
    }

    private static <T> AsyncStreamResponse<T> observedAsync(ModelCall call,
            AsyncStreamResponse<T> stream, StreamAccumulator<T> accumulator) {
        StreamRecording<T> recording = new StreamRecording<>(call, accumulator,
                OpenAiCalls::status);
        return new AsyncStreamResponse<>() {
            @Override
            public AsyncStreamResponse<T> subscribe(Handler<? super T> handler) {
                stream.subscribe(observed(handler));
                return this;
            }

            @Override
            public AsyncStreamResponse<T> subscribe(Handler<? super T> handler, Executor executor) {
                stream.subscribe(observed(handler), executor);
                return this;
            }

            private Handler<T> observed(Handler<? super T> handler) {
                return new Handler<>() {
                    @Override
                    public void onNext(T element) {
                        recording.next(element);
                        handler.onNext(element);
                    }

                    @Override
                    public void onComplete(Optional<Throwable> error) {
                        if (error.isPresent()) {
                            recording.failed(error.get());
                        } else {
                            recording.completed();
                        }
                        handler.onComplete(error);
                    }
                };
            }

            @Override
            public CompletableFuture<Void> onCompleteFuture() {
                return stream.onCompleteFuture();
            }

            @Override
            public void close() {
                try {
                    stream.close();
                } finally {
                    recording.closed();
                }
            }
        };
    }

    /** The HTTP status of the first OpenAI service exception in the cause chain. */
    static @Nullable Integer status(@Nullable Throwable error) {
        for (int depth = 0; error != null && depth < 16; depth++, error = error.getCause()) {
            if (error instanceof OpenAIServiceException service) {
                return service.statusCode();
            }
        }
        return null;
    }
}
