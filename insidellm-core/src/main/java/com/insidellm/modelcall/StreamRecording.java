package com.insidellm.modelcall;

import com.insidellm.LlmCallResult;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one streamed call as the application consumes it, and ends its {@link ModelCall} once: when the stream
 * ends (the answer assembled by the accumulator), fails (the error), or is closed before its end (the answer so
 * far). Elements always reach the application unchanged, whatever recording does. Thread-safe.
 *
 * @param <T> the stream's element type
 */
public final class StreamRecording<T> {

    /** The recorder's logger: one name turns on the DEBUG logs of all model-call recording. */
    private static final Logger log = LoggerFactory.getLogger(ModelCallRecorder.class);

    private final ModelCall call;
    private final StreamAccumulator<T> accumulator;
    private final Function<Throwable, @Nullable Integer> status;
    private final Object lock = new Object();
    private volatile boolean broken;

    /**
     * @param call the call whose request was recorded
     * @param accumulator assembles the answer
     * @param status the HTTP status of a failure, or {@code null} when it has none
     */
    public StreamRecording(ModelCall call, StreamAccumulator<T> accumulator,
            Function<Throwable, @Nullable Integer> status) {
        this.call = Objects.requireNonNull(call, "call");
        this.accumulator = Objects.requireNonNull(accumulator, "accumulator");
        this.status = Objects.requireNonNull(status, "status");
    }

    /** A stream of the same elements that reports them here as they are consumed; closing it closes {@code source}. */
    public Stream<T> observe(Stream<T> source) {
        return ObservedStream.of(source, this);
    }

    /** Reports one element. */
    public void next(T element) {
        if (broken) {
            return;
        }
        try {
            boolean output;
            synchronized (lock) {
                output = accumulator.accept(element);
            }
            if (output) {
                call.firstToken();
            }
        } catch (RuntimeException | LinkageError e) {
            // One element the accumulator cannot read must not cost the application anything: stop following.
            broken = true;
            log.debug("InsideLLM could not read a streamed element", e);
        }
    }

    /** Reports the end of the stream. */
    public void completed() {
        Throwable reported = null;
        LlmCallResult result = null;
        try {
            synchronized (lock) {
                reported = accumulator.failure();
                result = reported == null ? accumulator.result() : null;
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("InsideLLM could not assemble a streamed answer", e);
        }
        if (reported != null) {
            call.failed(reported, status);
        } else if (result != null) {
            call.succeeded(result);
        }
    }

    /** Reports that the stream failed. */
    public void failed(Throwable error) {
        call.failed(error, status);
    }

    /** Reports that the application closed the stream: before its end, the answer so far is recorded. */
    public void closed() {
        completed();
    }
}
