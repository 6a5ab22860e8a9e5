package com.insidellm.googlegenai;

import com.fasterxml.jackson.core.JsonParser;
import com.google.genai.errors.ApiException;
import com.insidellm.InsideLlmClient;
import com.insidellm.LlmCallResult;
import com.insidellm.modelcall.ModelCall;
import com.insidellm.modelcall.ModelCallRecorder;
import com.insidellm.modelcall.StreamRecording;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code generateContent} and {@code streamGenerateContent} where the Google Gen AI SDK sends them: in its
 * OkHttp client. The SDK's {@code Client}, {@code Models} and {@code AsyncModels} are final classes with final
 * fields, so no wrapper of the same type is possible; at the HTTP layer every way of calling the model is recorded
 * ({@code models}, {@code async.models}, {@code chats}) and the application keeps the SDK's own client.
 *
 * <p>Every other request passes through untouched. Requests and responses reach the SDK unchanged: a plain answer
 * is read from a copy, a streamed one as the SDK consumes it. Errors: the SDK's own exception for the HTTP status,
 * built from a copy of the response, is what the error event records. Thread-safe.
 */
final class RecordingInterceptor implements Interceptor {

    private static final Logger log = LoggerFactory.getLogger(RecordingInterceptor.class);

    /**
     * The largest body kept until the flusher reads it; a larger one is read at once, keeping only what is recorded
     * (an inline image's data is skipped as it is read).
     */
    static final int MAX_LATER_BYTES = 64 * 1024;

    private final ModelCallRecorder recorder;

    RecordingInterceptor(ModelCallRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        String path = request.url().encodedPath();
        boolean stream = path.endsWith(":streamGenerateContent");
        RequestBody body = request.body();
        if (!stream && !path.endsWith(":generateContent") || body == null || body.isOneShot()) {
            return chain.proceed(request);
        }
        ModelCall call = start(GeminiWire.model(path), body, stream);
        Response response;
        try {
            response = chain.proceed(request);
        } catch (IOException | RuntimeException | Error e) {
            call.failed(e, (Integer) null);
            throw e;
        }
        if (!response.isSuccessful()) {
            call.failed(sdkException(response), response.code());
            return response;
        }
        if (!stream) {
            try {
                ResponseBody answered = response.body();
                if (answered != null) {
                    // Buffered as peekBody would, then read where the bytes are, left in place for the SDK: a
                    // clone would share the segments, which then never return to okio's pool.
                    BufferedSource source = answered.source();
                    source.request(Long.MAX_VALUE);
                    BodyBytes bytes = BodyBytes.of(source.getBuffer());
                    if (bytes.length <= MAX_LATER_BYTES) {
                        // Copied, as the SDK goes on to consume the buffer, and read off the caller's thread.
                        BodyBytes copy = bytes.copy();
                        call.succeededLater(() -> answer(copy), copy.length);
                    } else {
                        call.succeeded(answer(bytes));
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("InsideLLM could not read a Gemini response", e);
            }
            return response;
        }
        ResponseBody streamed = response.body();
        if (streamed == null) {
            return response;
        }
        return response.newBuilder().body(new ObservedBody(streamed, new StreamRecording<>(call,
                new GeminiAnswer.Accumulator(), RecordingInterceptor::status))).build();
    }

    /**
     * Records the request, described later, off the caller's thread, from a copy of its bytes (the array the body
     * wrote is not ours to keep); outside an InsideLLM context only its messages are read at once, which automatic
     * threading places the call by. A body too large to keep until the flusher reads it (inline images) is read at
     * once, where its bytes are, token by token: no copy, no tree.
     */
    private ModelCall start(String model, RequestBody body, boolean stream) {
        if (recorder.client() == InsideLlmClient.noop()) {
            return ModelCall.none();
        }
        BodyBytes bytes;
        try {
            bytes = read(body);
        } catch (RuntimeException e) {
            log.debug("InsideLLM could not read a Gemini request", e);
            return ModelCall.none();
        }
        if (bytes.length > MAX_LATER_BYTES) {
            return recorder.start(() -> request(model, bytes, stream));
        }
        BodyBytes copy = bytes.copy();
        return recorder.startLater(model, GeminiWire.PROVIDER, stream, copy.length, () -> {
            try {
                return GeminiRequest.messages(copy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, () -> request(model, copy, stream));
    }

    private static BodyBytes read(RequestBody body) {
        try {
            return BodyBytes.of(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ModelCallRecorder.Request request(String model, BodyBytes body, boolean stream) {
        try {
            return GeminiRequest.read(model, body, stream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer in a whole {@code GenerateContentResponse} body. */
    private static LlmCallResult answer(BodyBytes body) {
        GeminiAnswer.Accumulator answer = new GeminiAnswer.Accumulator();
        try (JsonParser parser = GeminiWire.JSON.createParser(body.bytes, body.offset, body.length)) {
            answer.read(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return answer.result();
    }

    /** The exception the SDK throws for this error response, made from a copy of it. */
    private static Throwable sdkException(Response response) {
        try {
            ApiException.throwFromResponse(response.newBuilder().body(response.peekBody(Long.MAX_VALUE)).build());
        } catch (ApiException e) {
            return e;
        } catch (IOException | RuntimeException e) {
            log.debug("InsideLLM could not read a Gemini error response", e);
        }
        return new ApiException(response.code(), response.message(), "HTTP " + response.code());
    }

    static @Nullable Integer status(@Nullable Throwable error) {
        for (int depth = 0; error != null && depth < 16; depth++, error = error.getCause()) {
            if (error instanceof ApiException api) {
                return api.code();
            }
            if (error instanceof GeminiAnswer.GeminiStreamException stream) {
                return stream.code();
            }
        }
        return null;
    }

    /** A response body that reports the server-sent events it carries as the SDK reads them. */
    private static final class ObservedBody extends ResponseBody {
        private final ResponseBody delegate;
        private final StreamRecording<String> recording;
        private @Nullable BufferedSource source;

        ObservedBody(ResponseBody delegate, StreamRecording<String> recording) {
            this.delegate = delegate;
            this.recording = recording;
        }

        @Override
        public @Nullable MediaType contentType() {
            return delegate.contentType();
        }

        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public BufferedSource source() {
            if (source == null) {
                source = Okio.buffer(new EventSource(delegate.source(), recording));
            }
            return source;
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } finally {
                recording.closed();
            }
        }
    }

    /** Copies the bytes read into a line buffer and reports each {@code data:} line's JSON. */
    private static final class EventSource extends ForwardingSource {
        private final StreamRecording<String> recording;
        private final Buffer pending = new Buffer();
        private boolean broken;

        EventSource(Source delegate, StreamRecording<String> recording) {
            super(delegate);
            this.recording = recording;
        }

        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
            long read;
            try {
                read = super.read(sink, byteCount);
            } catch (IOException | RuntimeException e) {
                recording.failed(e);
                throw e;
            }
            if (read == -1) {
                try {
                    lines(true);
                } catch (IOException | RuntimeException e) {
                    log.debug("InsideLLM could not follow a Gemini stream", e);
                }
                recording.completed();
                return read;
            }
            if (!broken) {
                try {
                    sink.copyTo(pending, sink.size() - read, read);
                    lines(false);
                } catch (IOException | RuntimeException e) {
                    broken = true;
                    log.debug("InsideLLM could not follow a Gemini stream", e);
                }
            }
            return read;
        }

        private void lines(boolean end) throws IOException {
            if (broken) {
                return;
            }
            long newline;
            while ((newline = pending.indexOf((byte) '\n')) != -1) {
                event(pending.readString(newline, StandardCharsets.UTF_8));
                pending.skip(1);
            }
            if (end && pending.size() > 0) {
                event(pending.readUtf8());
            }
        }

        private void event(String line) {
            if (!line.startsWith("data:")) {
                return;
            }
            try {
                recording.next(line.substring(5).trim());
            } catch (RuntimeException e) {
                log.debug("InsideLLM could not read a Gemini stream event", e);
            }
        }
    }
}
