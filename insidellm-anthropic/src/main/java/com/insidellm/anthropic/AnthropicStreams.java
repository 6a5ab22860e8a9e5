package com.insidellm.anthropic;

import com.anthropic.core.http.AsyncStreamResponse;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.insidellm.ModelCallRecorder;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/** Streams of the Anthropic SDK that report their events to a recording and are otherwise the SDK's own. */
final class AnthropicStreams {

    private AnthropicStreams() {
    }

    static StreamResponse<RawMessageStreamEvent> blocking(ModelCallRecorder.ModelCall call,
            StreamResponse<RawMessageStreamEvent> stream) {
        ModelCallRecorder.StreamRecording<RawMessageStreamEvent> recording = recording(call);
        return new StreamResponse<>() {
            @Override
            public Stream<RawMessageStreamEvent> stream() {
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

    static AsyncStreamResponse<RawMessageStreamEvent> async(ModelCallRecorder.ModelCall call,
            AsyncStreamResponse<RawMessageStreamEvent> stream) {
        ModelCallRecorder.StreamRecording<RawMessageStreamEvent> recording = recording(call);
        return new AsyncStreamResponse<>() {
            @Override
            public AsyncStreamResponse<RawMessageStreamEvent> subscribe(
                    Handler<? super RawMessageStreamEvent> handler) {
                stream.subscribe(observed(handler));
                return this;
            }

            @Override
            public AsyncStreamResponse<RawMessageStreamEvent> subscribe(
                    Handler<? super RawMessageStreamEvent> handler, Executor executor) {
                stream.subscribe(observed(handler), executor);
                return this;
            }

            private Handler<RawMessageStreamEvent> observed(Handler<? super RawMessageStreamEvent> handler) {
                return new Handler<>() {
                    @Override
                    public void onNext(RawMessageStreamEvent event) {
                        recording.next(event);
                        handler.onNext(event);
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

    private static ModelCallRecorder.StreamRecording<RawMessageStreamEvent> recording(
            ModelCallRecorder.ModelCall call) {
        return new ModelCallRecorder.StreamRecording<>(call, new AnthropicAnswers.Accumulator(),
                AnthropicProxies::status);
    }
}
