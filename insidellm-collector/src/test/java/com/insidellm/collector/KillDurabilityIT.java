package com.insidellm.collector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An event acknowledged with 2xx is on disk: the collector is killed with SIGKILL mid-load and restarted. */
class KillDurabilityIT {

    @TempDir Path dir;

    @Test
    void everyAcknowledgedEventSurvivesKillMinus9MidLoad() throws Exception {
        Path db = dir.resolve("kill.db");
        // Enough concurrent senders and large enough batches that several transactions are always in flight, so an
        // implementation that answered before committing would lose acknowledged events here.
        int senders = 8;
        List<String> runs = new ArrayList<>();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger failedRequests = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();

        ChildCollector child = ChildCollector.start(db);
        Api api = new Api(child.baseUrl);
        for (int s = 0; s < senders; s++) {
            String run = Events.uuid();
            runs.add(run);
            Thread t = new Thread(() -> {
                while (failedRequests.get() < 20) {
                    ArrayNode batch = Events.JSON.createArrayNode();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        var e = Events.userInput(run, "loader", Instant.now(), "load " + i);
                        ids.add(e.get("event_id").asText());
                        batch.add(e);
                    }
                    try {
                        Api.Response r = api.post("/api/v1/ingest", Api.gzip(Api.bytes(batch)), "Content-Encoding", "gzip");
                        if (r.status() / 100 == 2) {
                            acknowledged.addAll(ids);
                        } else {
                            failedRequests.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        failedRequests.incrementAndGet();
                    }
                }
            }, "loader-" + s);
            t.start();
            threads.add(t);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20_000);
        child.kill();
        for (Thread t : threads) {
            t.join(60_000);
        }
        int ackedAtKill = acknowledged.size();

        try (ChildCollector again = ChildCollector.start(db)) {
            Api after = new Api(again.baseUrl);
            Set<String> stored = new HashSet<>();
            for (String run : runs) {
                stored.addAll(eventIds(after, run));
            }
            assertThat(ackedAtKill).isGreaterThanOrEqualTo(20_000);
            assertThat(stored).containsAll(acknowledged);
        }
    }

    private static Set<String> eventIds(Api api, String run) {
        Set<String> ids = new HashSet<>();
        String cursor = "";
        while (true) {
            JsonNode page = api.getJson("/api/v1/events?limit=1000&run=" + run + cursor);
            page.get("events").forEach(e -> ids.add(e.at("/event/event_id").asText()));
            JsonNode next = page.get("next_before");
            if (next == null) {
                return ids;
            }
            cursor = "&before=" + Api.encode(next.asText());
        }
    }
}
