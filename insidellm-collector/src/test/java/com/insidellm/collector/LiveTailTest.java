package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveTailTest {

    @TempDir Path dir;
    InsideLlmCollector collector;
    Api api;
    final List<Subscription> subscriptions = new ArrayList<>();

    @BeforeEach
    void start() {
        collector = InsideLlmCollector.builder().port(0).databasePath(dir.resolve("live.db")).build();
        collector.start();
        api = new Api(collector.baseUrl());
    }

    @AfterEach
    void stop() {
        subscriptions.forEach(Subscription::close);
        collector.close();
    }

    /** One SSE connection, collecting (id, data) pairs as they arrive. */
    final class Subscription implements AutoCloseable {
        final List<String[]> events = new CopyOnWriteArrayList<>();
        volatile boolean connected;
        final CompletableFuture<HttpResponse<Stream<String>>> response;

        Subscription(String query, String lastEventId) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/live" + query))
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            response = api.client().sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
            response.thenAccept(r -> {
                String[] current = new String[2];
                r.body().forEach(line -> {
                    if (line.startsWith(": connected")) {
                        connected = true;
                    } else if (line.startsWith("id: ")) {
                        current[0] = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        current[1] = line.substring(6);
                    } else if (line.isEmpty() && current[1] != null) {
                        events.add(new String[] {current[0], current[1]});
                        current[0] = null;
                        current[1] = null;
                    }
                });
            });
            subscriptions.add(this);
            await().atMost(Duration.ofSeconds(10)).until(() -> connected);
        }

        List<String> texts() {
            List<String> out = new ArrayList<>();
            for (String[] e : events) {
                try {
                    out.add(Events.JSON.readTree(e[1]).at("/payload/input_text").asText());
                } catch (IOException ex) {
                    throw new AssertionError(ex);
                }
            }
            return out;
        }

        String lastId() {
            return events.get(events.size() - 1)[0];
        }

        @Override
        public void close() {
            response.thenAccept(r -> r.body().close());
            response.cancel(true);
        }
    }

    private void send(String run, String user, String text) {
        assertThat(api.ingest(Events.userInput(run, user, Instant.now(), text)).status()).isEqualTo(200);
    }

    @Test
    void streamsEventsIngestedAfterTheClientConnected() {
        String run = Events.uuid();
        send(run, "u1", "before");
        Subscription sub = new Subscription("", null);

        send(run, "u1", "after 1");
        send(run, "u1", "after 2");

        await().atMost(Duration.ofSeconds(10)).until(() -> sub.events.size() >= 2);
        assertThat(sub.texts()).containsExactly("after 1", "after 2");
    }

    @Test
    void filtersByTypeUserAndRun() {
        String run = Events.uuid();
        String otherRun = Events.uuid();
        Subscription byUser = new Subscription("?user=carol", null);
        Subscription byRun = new Subscription("?run=" + run, null);
        Subscription byType = new Subscription("?type=run.start", null);

        send(otherRun, "dave", "not for anyone");
        send(run, "dave", "for the run");
        send(otherRun, "carol", "for carol");
        api.ingest(Events.runStart(otherRun, "dave", Instant.now()));
        send(otherRun, "dave", "last");

        await().atMost(Duration.ofSeconds(10)).until(() -> byType.events.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> byUser.events.size() == 1 && byRun.events.size() == 1);
        assertThat(byUser.texts()).containsExactly("for carol");
        assertThat(byRun.texts()).containsExactly("for the run");
        assertThat(byType.events.get(0)[1]).contains("\"run.start\"");
    }

    @Test
    void filtersByTagTraceAndMetadata() {
        Subscription byTag = new Subscription("?tag=vip", null);
        Subscription byTrace = new Subscription("?trace=t-9", null);
        Subscription byMeta = new Subscription("?meta.company_id=acme", null);
        String run = Events.uuid();

        var plain = Events.userInput(run, "u1", Instant.now(), "plain");
        var tagged = Events.userInput(run, "u1", Instant.now(), "tagged");
        tagged.putObject("metadata").putArray("tags").add("beta").add("vip");
        var traced = Events.userInput(run, "u1", Instant.now(), "traced");
        traced.putObject("metadata").put("trace_id", "t-9").put("company_id", "acme");
        api.ingest(Events.JSON.createArrayNode().add(plain).add(tagged).add(traced));
        send(run, "u1", "last");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> byTag.events.size() == 1 && byTrace.events.size() == 1 && byMeta.events.size() == 1);
        assertThat(byTag.texts()).containsExactly("tagged");
        assertThat(byTrace.texts()).containsExactly("traced");
        assertThat(byMeta.texts()).containsExactly("traced");
    }

    @Test
    void aClientReconnectingWithLastEventIdMissesNothing() {
        String run = Events.uuid();
        Subscription first = new Subscription("", null);
        send(run, "u1", "one");
        send(run, "u1", "two");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.events.size() == 2);
        String lastSeen = first.lastId();
        first.close();

        send(run, "u1", "three (while away)");
        send(run, "u1", "four (while away)");
        Subscription again = new Subscription("", lastSeen);
        send(run, "u1", "five");

        await().atMost(Duration.ofSeconds(10)).until(() -> again.events.size() >= 3);
        assertThat(again.texts()).containsExactly("three (while away)", "four (while away)", "five");
    }

    @Test
    void aClientStartingAfterASequenceNumberGetsTheBacklogFirst() {
        String run = Events.uuid();
        send(run, "u1", "a");
        long seq = api.getJson("/api/v1/events?limit=1").get("latest_seq").asLong();
        send(run, "u1", "b");

        Subscription sub = new Subscription("?after=" + seq, null);

        await().atMost(Duration.ofSeconds(10)).until(() -> sub.events.size() >= 1);
        assertThat(sub.texts()).containsExactly("b");
    }
}
