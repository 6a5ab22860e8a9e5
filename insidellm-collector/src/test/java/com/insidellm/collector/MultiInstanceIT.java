package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.servers.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two collector processes on one PostgreSQL and one Redis, as in production behind a load balancer: what one instance
 * stores streams live from the other, in order and exactly once; a Redis outage degrades the live tail to polling
 * and heals by itself; and an instance killed with SIGKILL loses no acknowledged event and stores none twice.
 */
class MultiInstanceIT {

    @TempDir Path dir;

    @Test
    void oneDatabaseOneRedisTwoInstances() throws Exception {
        String db = PostgresServer.shared().newDatabase();
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"));
                ChildCollector a = ChildCollector.start(List.of(), db, "--redis", redis.url());
                ChildCollector b = ChildCollector.start(List.of(), db, "--redis", redis.url())) {
            Api apiA = new Api(a.baseUrl);
            Api apiB = new Api(b.baseUrl);
            awaitRedis(apiA, "up");
            awaitRedis(apiB, "up");
            long start = apiB.getJson("/api/v1/events?limit=1").get("latest_seq").asLong();
            String run;
            List<String> sent = new ArrayList<>();
            try (SseClient live = new SseClient(URI.create(b.baseUrl + "/api/v1/live?after=" + start));
                    InsideLlmClient sdk = InsideLlmClient.builder().apiKey("multi-instance").baseUrl(a.baseUrl.toString())
                            .shutdownHook(false).build()) {
                run = sdk.startRun("alice");
                // The SDK sends to A; the SSE client on B sees each event, in commit order, once.
                sendThroughSdk(sdk, run, "push", 2000, sent);
                awaitReceived(live, sent);

                // Redis goes away: ingest goes on, B's live tail polls the database, /health says so.
                redis.stop();
                awaitRedis(apiB, "down");
                assertThat(apiB.getJson("/health").at("/live/mode").asText()).isEqualTo("polling");
                sendThroughSdk(sdk, run, "while redis is down", 500, sent);
                awaitReceived(live, sent);

                // Redis comes back on its own port: both instances reconnect by themselves, nothing was missed.
                redis.start();
                awaitRedis(apiA, "up");
                awaitRedis(apiB, "up");
                sendThroughSdk(sdk, run, "after redis returned", 500, sent);
                awaitReceived(live, sent);
                assertThat(sdk.stats().eventsFailed()).isZero();
            }

            // Last-Event-ID resumes exactly, on either instance, from the sequence numbers the database assigned.
            List<Long> seqs = seqsOf(apiA, run);
            try (SseClient resumed = new SseClient(URI.create(a.baseUrl + "/api/v1/live?run=" + run + "&after="
                    + seqs.get(99)))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> resumed.received.size() >= seqs.size() - 100);
                assertThat(resumed.received).extracting(SseClient.Received::id).isEqualTo(seqs.subList(100, seqs.size()));
            }

            killMidStream(a, apiB, db);
        }
    }

    private static void sendThroughSdk(InsideLlmClient sdk, String run, String text, int count, List<String> sent) {
        for (int i = 0; i < count; i++) {
            Event e = Event.userInput(run, "alice", text + " " + i);
            sent.add(e.eventId());
            sdk.logEvent(e);
        }
        assertThat(sdk.flush(Duration.ofSeconds(60))).as("SDK delivered everything").isTrue();
    }

    private static void awaitReceived(SseClient live, List<String> sent) {
        await().atMost(Duration.ofSeconds(60)).until(() -> receivedIds(live).containsAll(sent));
        List<String> ids = receivedIds(live);
        List<Long> seqs = live.received.stream().map(SseClient.Received::id).toList();
        assertThat(live.open).isTrue();
        assertThat(ids).as("every event once").doesNotHaveDuplicates();
        assertThat(ids.size()).as("nothing but the run's events (its run.start and the inputs)")
                .isLessThanOrEqualTo(sent.size() + 1);
        assertThat(seqs).as("in commit order").isSorted().doesNotHaveDuplicates();
    }

    private static List<String> receivedIds(SseClient live) {
        return live.received.stream().map(r -> json(r.data()).get("event_id").asText()).toList();
    }

    private static JsonNode json(String s) {
        try {
            return Events.JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitRedis(Api api, String state) {
        await("redis " + state + " at " + api.base()).atMost(Duration.ofSeconds(30))
                .until(() -> state.equals(api.getJson("/health").at("/live/redis").asText()));
    }

    private static List<Long> seqsOf(Api api, String run) {
        List<Long> seqs = new ArrayList<>();
        String after = "0";
        while (true) {
            JsonNode page = api.getJson("/api/v1/events?limit=1000&run=" + run + "&after=" + after);
            page.get("events").forEach(e -> seqs.add(e.get("seq").asLong()));
            if (page.get("next_after") == null) {
                return seqs;
            }
            after = page.get("next_after").asText();
        }
    }

    /**
     * Concurrent senders load A until it is killed with SIGKILL; every acknowledged event is in PostgreSQL exactly
     * once, and re-sending every batch (as SDKs retry) to B stores the unacknowledged ones without doubling any.
     */
    private static void killMidStream(ChildCollector a, Api apiB, String db) throws Exception {
        Api apiA = new Api(a.baseUrl);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<ArrayNode> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        String run = Events.uuid();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            Thread t = new Thread(() -> {
                while (failures.get() < 8) {
                    ArrayNode batch = Events.JSON.createArrayNode();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        var e = Events.userInput(run, "loader", Instant.now(), "load " + i);
                        ids.add(e.get("event_id").asText());
                        batch.add(e);
                    }
                    batches.add(batch);
                    try {
                        if (apiA.ingest(batch).status() == 200) {
                            acknowledged.addAll(ids);
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }, "sender-" + s);
            t.start();
            senders.add(t);
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> acknowledged.size() >= 10_000);
        a.kill();
        for (Thread t : senders) {
            t.join(60_000);
        }

        assertThat(storedIds(db, run)).containsAll(acknowledged);
        assertThat(duplicates(db)).isZero();
        for (ArrayNode batch : batches) {
            assertThat(apiB.ingest(batch).status()).isEqualTo(200);
        }
        Set<String> all = new HashSet<>();
        batches.forEach(batch -> batch.forEach(e -> all.add(e.get("event_id").asText())));
        assertThat(storedIds(db, run)).isEqualTo(all);
        assertThat(duplicates(db)).isZero();
    }

    private static Set<String> storedIds(String db, String run) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        try (Connection c = DriverManager.getConnection(db);
                PreparedStatement st = c.prepareStatement("SELECT event_id FROM events WHERE run_id = ?")) {
            st.setString(1, run);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static long duplicates(String db) throws Exception {
        try (Connection c = DriverManager.getConnection(db);
                PreparedStatement st = c.prepareStatement("SELECT count(*) - count(DISTINCT event_id) FROM events");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
