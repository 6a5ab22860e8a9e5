package com.insidellm.googlegenai;

import com.google.genai.types.ClientOptions;
import com.insidellm.InsideLlmClient;
import com.insidellm.modelcall.ModelCallRecorder;
import java.util.Objects;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * Records every {@code generateContent} and {@code generateContentStream} call of the Google Gen AI Java SDK
 * ({@code com.google.genai:google-genai}), against the Gemini Developer API or Vertex AI, in one line:
 *
 * <pre>{@code
 * Client gemini = Client.builder().apiKey(key)
 *         .clientOptions(InsideLlmGenAI.clientOptions(insideLlm))    // the one line
 *         .build();
 * GenerateContentResponse answer = gemini.models.generateContent("gemini-2.5-flash", "Hi", null);   // recorded
 * }</pre>
 *
 * <p>Why client options and not a wrapped client: the SDK's {@code Client}, {@code Models} and {@code AsyncModels} are
 * final classes whose services are public final fields, so no recording object of the same type can exist. The SDK
 * accepts its own OkHttp client instead, and that is where the calls are recorded; the application keeps the SDK's
 * own {@code Client}, and every way of calling the model is recorded: {@code models}, {@code async.models} and
 * {@code chats}. Every other request (files, caches, tunings, ...) passes through untouched.
 *
 * <p>Recorded: an {@code llm.request} with model, system instruction and contents in the OpenAI chat format
 * (function calls as {@code tool_calls}, function responses as {@code tool} messages), function declarations as
 * tools, tool config as tool choice, generation settings as parameters; then an {@code llm.response} with text and
 * function calls, finish reason, usage (completion tokens include thinking tokens, which are also the reasoning
 * tokens; cached content tokens are the cached tokens), latency, time to first token for streams, and cost; or an
 * {@code error} event with the HTTP status and the SDK's own exception class and message.
 *
 * <p>Runs: a blocking call inside an InsideLLM context (a tracker, an annotated method) belongs to that run; other calls
 * are threaded automatically (see {@link ModelCallRecorder}). Asynchronous calls run on the SDK's threads, where no
 * context is active: they are threaded automatically.
 */
public final class InsideLlmGenAI {

    private InsideLlmGenAI() {
    }

    /** Client options whose HTTP client records to {@code insideLlm}, for {@code Client.builder().clientOptions}. */
    public static ClientOptions clientOptions(InsideLlmClient insideLlm) {
        return clientOptions(ClientOptions.builder().build(), recorder(insideLlm));
    }

    /**
     * {@code options} with an HTTP client that records through {@code recorder}: the options' own custom HTTP client
     * with the recording interceptor added, or a new one. Share one recorder to share conversation threading.
     */
    public static ClientOptions clientOptions(ClientOptions options, ModelCallRecorder recorder) {
        Objects.requireNonNull(options, "options");
        OkHttpClient http = options.customHttpClient().orElseGet(OkHttpClient::new);
        return options.toBuilder().customHttpClient(httpClient(http, recorder)).build();
    }

    /** {@code http} with the recording interceptor added (once), for applications that build their own client. */
    public static OkHttpClient httpClient(OkHttpClient http, ModelCallRecorder recorder) {
        Objects.requireNonNull(http, "http");
        for (Interceptor interceptor : http.interceptors()) {
            if (interceptor instanceof RecordingInterceptor) {
                return http;
            }
        }
        return http.newBuilder().addInterceptor(interceptor(recorder)).build();
    }

    /** The recording OkHttp interceptor itself, recording through {@code recorder}. */
    public static Interceptor interceptor(ModelCallRecorder recorder) {
        return new RecordingInterceptor(Objects.requireNonNull(recorder, "recorder"));
    }

    private static ModelCallRecorder recorder(InsideLlmClient insideLlm) {
        return ModelCallRecorder.builder(Objects.requireNonNull(insideLlm, "insideLlm"))
                .source(GeminiWire.PROVIDER).build();
    }
}
