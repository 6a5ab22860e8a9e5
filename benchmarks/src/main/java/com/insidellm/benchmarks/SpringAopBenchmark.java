package com.insidellm.benchmarks;

import com.insidellm.EventExporter;
import com.insidellm.InsideLlmClient;
import com.insidellm.InsideLlmContext;
import com.insidellm.spring.InsideLlmAutoConfiguration;
import com.insidellm.spring.TrackFunction;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What the Spring starter's AOP adds to one annotated call: the same method on a Spring bean, plain and with
 * {@link TrackFunction} (one {@code function_execution} event with arguments, return value and duration), inside an
 * InsideLLM run. Bursts of {@value #BURST} calls, drained outside the measurement.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SpringAopBenchmark.BURST)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SpringAopBenchmark {

    static final int BURST = 200;

    /** The service: the same work with and without the annotation. */
    public static class Tools {
        @TrackFunction
        public String trackedLookup(String city) {
            return "Sunny in " + city;
        }

        public String plainLookup(String city) {
            return "Sunny in " + city;
        }
    }

    /** The application: the starter's auto-configuration, a discarding exporter, the service. */
    @Configuration(proxyBeanMethods = false)
    @Import(InsideLlmAutoConfiguration.class)
    static class Application {
        @Bean
        EventExporter discardingExporter() {
            return new CallerCostBenchmark.DiscardingExporter();
        }

        @Bean
        Tools tools() {
            return new Tools();
        }
    }

    @State(Scope.Benchmark)
    public static class Context {
        AnnotationConfigApplicationContext spring;
        Tools tools;
        InsideLlmClient client;

        @Setup(Level.Trial)
        public void start() {
            spring = new AnnotationConfigApplicationContext(Application.class);
            tools = spring.getBean(Tools.class);
            client = spring.getBean(InsideLlmClient.class);
        }

        @TearDown(Level.Invocation)
        public void drain() {
            if (!client.flush(Duration.ofSeconds(30))) {
                throw new IllegalStateException("InsideLLM did not drain: " + client.stats());
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            System.out.printf("#events benchmark=spring sent=%d dropped=%d%n", client.stats().eventsSent(),
                    client.stats().eventsDropped());
            spring.close();
        }
    }

    @Benchmark
    public void plainCall(Context context, Blackhole blackhole) {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID)
                .makeCurrent()) {
            for (int i = 0; i < BURST; i++) {
                blackhole.consume(context.tools.plainLookup("Paris"));
            }
        }
    }

    @Benchmark
    public void trackedCall(Context context, Blackhole blackhole) {
        try (InsideLlmContext.Scope ignored = InsideLlmContext.of(BenchEvents.RUN_ID, BenchEvents.USER_ID)
                .makeCurrent()) {
            for (int i = 0; i < BURST; i++) {
                blackhole.consume(context.tools.trackedLookup("Paris"));
            }
        }
    }
}
