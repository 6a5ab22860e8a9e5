package com.insidellm.benchmarks;

import com.insidellm.Event;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the caller's time goes: building the benchmark's {@code llm.response} event alone (id, timestamp, payload
 * map, validation, size estimate), without queueing it. {@link CallerCostBenchmark#insideLlmEnqueueOnly} is the
 * other half.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class EventConstructionBenchmark {

    @Benchmark
    public Event buildLlmResponseEvent() {
        return BenchEvents.insideLlm();
    }
}
