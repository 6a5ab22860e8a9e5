package com.insidellm.collector.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.ingest.Ingestor;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.sqlite.SqliteStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder's events pass the collector's own validation, a quiet gateway run ends with run.end, and a full queue
 * slows the serving threads down instead of forgetting calls.
 */
class GatewayRecorderTest {

    @TempDir
    Path dir;

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aQuietRunEndsAfterTheIdleTimeWithRunEnd() throws Exception {
        try (SqliteStore store = new SqliteStore(dir.resolve("r.db"), null, false, Clock.systemUTC())) {
            Ingestor ingestor = new Ingestor(store, mapper);
            try (GatewayRecorder recorder = new GatewayRecorder(ingestor, mapper, store.conversations(),
                    new Fingerprints(), Duration.ofMillis(300), Clock.systemUTC())) {
                ProxiedCall call = call("hi");
                recorder.record(call);

                List<JsonNode> events = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    events.clear();
                    for (Store.EventRow row : store.events(EventFilter.all(), 0L, null, 100)) {
                        events.add(mapper.readTree(row.raw()));
                    }
                    return events.stream().anyMatch(e -> e.path("event_type").asText().equals("run.end"));
                });

                assertThat(events).extracting(e -> e.path("event_type").asText())
                        .containsExactly("run.start", "llm.request", "llm.response", "run.end");
                JsonNode end = events.get(3);
                assertThat(end.path("run_id").asText()).isEqualTo(events.get(0).path("run_id").asText());
                assertThat(end.path("payload").path("exit_reason").asText()).isEqualTo("idle");
                assertThat(end.path("user_id").asText()).isEqualTo("alice");
                assertThat(recorder.recorded()).isEqualTo(1);
            }
        }
    }

    @Test
    void aFullQueueMakesServingThreadsWaitAndLosesNothing() throws Exception {
        int calls = 40;
        try (SqliteStore sqlite = new SqliteStore(dir.resolve("slow.db"), null, false, Clock.systemUTC())) {
            CountDownLatch storeOpen = new CountDownLatch(1);
            AtomicInteger writesStarted = new AtomicInteger();
            // Room for 4 calls: the store holds the first batch, the queue fills, the other servers must wait.
            try (GatewayRecorder recorder = heldRecorder(sqlite, storeOpen, writesStarted, 4, Duration.ofMinutes(5))) {
                ExecutorService servers = Executors.newFixedThreadPool(calls);
                try {
                    List<Future<String>> answers = new ArrayList<>();
                    for (int i = 0; i < calls; i++) {
                        ProxiedCall call = call("question " + i);
                        // A serving thread: records the call, then answers its client.
                        answers.add(servers.submit(() -> {
                            recorder.record(call);
                            return "answer";
                        }));
                    }
                    // At most 5 calls reach the held batch (the first and a drain of the queue) and 4 the queue: the
                    // other servers all find it full.
                    await().atMost(Duration.ofSeconds(60)).until(() -> writesStarted.get() >= 1
                            && recorder.waited() >= calls - 9);
                    assertThat(writesStarted.get()).isEqualTo(1);
                    assertThat(answers).filteredOn(f -> !f.isDone()).isNotEmpty();
                    assertThat(recorder.status()).isEqualTo("ok");

                    storeOpen.countDown();
                    for (Future<String> answer : answers) {
                        assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo("answer");
                    }
                    await().atMost(Duration.ofSeconds(60)).until(() -> recorder.recorded() == calls);
                } finally {
                    servers.shutdownNow();
                }
                assertThat(recorder.dropped()).isZero();
                assertThat(recorder.waited()).isPositive();
                long responses = 0;
                for (Store.EventRow row : sqlite.events(EventFilter.all(), 0L, null, 1000)) {
                    if (mapper.readTree(row.raw()).path("event_type").asText().equals("llm.response")) {
                        responses++;
                    }
                }
                assertThat(responses).isEqualTo(calls);
            }
        }
    }

    @Test
    void aStoreThatStopsWritingDropsOnlyAfterTheStallLimitAndSaysSo() throws Exception {
        try (SqliteStore sqlite = new SqliteStore(dir.resolve("stuck.db"), null, false, Clock.systemUTC())) {
            CountDownLatch storeOpen = new CountDownLatch(1);
            AtomicInteger writesStarted = new AtomicInteger();
            try (GatewayRecorder recorder = heldRecorder(sqlite, storeOpen, writesStarted, 1, Duration.ofMillis(300))) {
                recorder.record(call("first")); // taken by the recorder, which hangs in the store
                await().atMost(Duration.ofSeconds(60)).until(() -> writesStarted.get() == 1);
                recorder.record(call("second")); // fills the queue
                recorder.record(call("third")); // waits, sees no progress, and gives up: the client is answered

                assertThat(recorder.dropped()).isEqualTo(1);
                assertThat(recorder.status()).isEqualTo("stalled");

                storeOpen.countDown();
                await().atMost(Duration.ofSeconds(60)).until(() -> recorder.recorded() == 2);
                assertThat(recorder.status()).isEqualTo("ok");
            }
        }
    }

    private ProxiedCall call(String question) throws Exception {
        ProxyConfig.Route route = new ProxyConfig.Route("mini", ProxyConfig.Provider.OPENAI, "gpt-4o-mini",
                URI.create("http://127.0.0.1:1/v1"), null, null);
        ObjectNode request = mapper.createObjectNode().put("model", "mini");
        request.putArray("messages").addObject().put("role", "user").put("content", question);
        long now = System.currentTimeMillis() * 1000;
        ProxiedCall call = new ProxiedCall(request, route, "alice", null, false, now, System.nanoTime());
        call.response = ("{\"id\": \"c1\", \"model\": \"gpt-4o-mini\", \"choices\": [{\"index\": 0, \"message\":"
                + " {\"role\": \"assistant\", \"content\": \"hello\"}, \"finish_reason\": \"stop\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        call.end(now + 1000, System.nanoTime());
        return call;
    }

    /** A recorder whose store holds event writes until {@code open} opens. */
    private GatewayRecorder heldRecorder(SqliteStore sqlite, CountDownLatch open, AtomicInteger writesStarted,
            int capacity, Duration stallLimit) {
        return new GatewayRecorder(new Ingestor(slowStore(sqlite, open, writesStarted), mapper), mapper,
                sqlite.conversations(), new Fingerprints(), Duration.ofMinutes(30), Clock.systemUTC(), capacity,
                stallLimit);
    }

    /** The real store, whose event writes wait until {@code open} opens (a store that is slow or hangs). */
    private static Store slowStore(Store real, CountDownLatch open, AtomicInteger writesStarted) {
        return (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(),
                new Class<?>[] {Store.class}, (proxy, method, args) -> {
                    if (method.getName().equals("write")) {
                        writesStarted.incrementAndGet();
                        open.await();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
