package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Micrometer is optional: the client, tracker and processors must work when it is not on the classpath. */
class WithoutMicrometerTest {

    @TempDir
    Path dir;

    @Test
    void clientRecordsAndDeliversWithoutMicrometerOnTheClasspath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("micrometer")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> clientType = loader.loadClass("com.insidellm.InsideLlmClient");
            Object builder = clientType.getMethod("builder").invoke(null);
            builder.getClass().getMethod("localMode", Path.class).invoke(builder, dir);
            builder.getClass().getMethod("shutdownHook", boolean.class).invoke(builder, false);
            Object client = builder.getClass().getMethod("build").invoke(builder);
            Object tracker = clientType.getMethod("tracker", String.class).invoke(client, "user-1");
            tracker.getClass().getMethod("logUserInput", String.class).invoke(tracker, "hello");
            tracker.getClass().getMethod("close").invoke(tracker);
            assertThat(clientType.getMethod("flush", Duration.class).invoke(client, Duration.ofSeconds(10)))
                    .isEqualTo(true);
            clientType.getMethod("close").invoke(client);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            Path file = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
            assertThat(Files.readAllLines(file)).hasSize(3);
        }
    }
}
