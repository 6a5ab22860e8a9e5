package com.insidellm.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.ConversationStore.OpenRun;
import com.insidellm.collector.store.ConversationStore.Thread;
import com.insidellm.collector.store.postgres.PostgresStore;
import com.insidellm.collector.store.postgres.PostgresUrl;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The conversation-threading contract against a real PostgreSQL server: a fresh database per test. */
class PostgresConversationStoreContractTest extends ConversationStoreContractTest {

    private String url;

    @BeforeEach
    void newDatabase() {
        url = PostgresServer.shared().newDatabase();
    }

    @Override
    protected Store open() {
        return new PostgresStore(PostgresUrl.parse(url, null), null, null, true, Clock.systemUTC());
    }

    @Test
    void twoInstancesSavingTheSameConversationsAtOnceKeepTheNewestOfEach() throws Exception {
        try (Store a = open(); Store b = open()) {
            // The same fingerprints and runs from both instances, in opposite orders; b's sightings are the newer.
            CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> saveAll(a.conversations(), 0, false));
            CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> saveAll(b.conversations(), 1, true));
            fromA.get(60, TimeUnit.SECONDS);
            fromB.get(60, TimeUnit.SECONDS);

            List<Thread> threads = a.conversations().recentThreads(1000);
            assertThat(threads).hasSize(50).allSatisfy(t -> assertThat(t.runId()).startsWith("run-b-"));
            assertThat(a.conversations().openRuns()).hasSize(50)
                    .allSatisfy(r -> assertThat(r.lastMicros() % 2).isEqualTo(1));
        }
    }

    private static void saveAll(ConversationStore store, int parity, boolean reversed) {
        for (int round = 0; round < 20; round++) {
            List<Thread> threads = new ArrayList<>();
            List<OpenRun> runs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int k = reversed ? 49 - i : i;
                long at = 2L * (round * 100 + k) + parity;
                threads.add(new Thread("fp-" + k, "run-" + (parity == 1 ? "b-" : "a-") + k, at));
                runs.add(new OpenRun("run-" + k, "u", 1, at));
            }
            store.save(threads, runs, List.of());
        }
    }
}
