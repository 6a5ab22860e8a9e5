package com.insidellm.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.insidellm.collector.store.ConversationStore.OpenRun;
import com.insidellm.collector.store.ConversationStore.Thread;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store#conversations()} promises the gateway, run against each store by a subclass: fingerprints
 * newest first and moving to a newer run, open runs upserted and ended, everything kept across a restart. A subclass
 * gives a fresh, empty location per test and opens stores on it.
 */
public abstract class ConversationStoreContractTest {

    private final List<Store> opened = new ArrayList<>();

    /** Opens a store on this test's location (the same location each time within a test). */
    protected abstract Store open();

    private Store store() {
        Store s = open();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Store::close);
    }

    @Test
    void remembersFingerprintsNewestFirstAndMovesOneSeenAgainToItsNewerRun() {
        ConversationStore threads = store().conversations();
        threads.save(List.of(new Thread("fp-a", "run-1", 1_000), new Thread("fp-b", "run-1", 2_000),
                new Thread("fp-c", "run-2", 3_000)), List.of(), List.of());

        assertThat(threads.recentThreads(10)).containsExactly(new Thread("fp-c", "run-2", 3_000),
                new Thread("fp-b", "run-1", 2_000), new Thread("fp-a", "run-1", 1_000));
        assertThat(threads.recentThreads(2)).extracting(Thread::fingerprint).containsExactly("fp-c", "fp-b");

        // The same fingerprint twice in one save, and again later: the newest sighting wins.
        threads.save(List.of(new Thread("fp-a", "run-2", 4_000), new Thread("fp-a", "run-3", 5_000)), List.of(),
                List.of());

        assertThat(threads.recentThreads(10)).hasSize(3).first().isEqualTo(new Thread("fp-a", "run-3", 5_000));
    }

    @Test
    void upsertsOpenRunsKeepingTheirLatestActivityAndForgetsEndedOnes() {
        ConversationStore threads = store().conversations();
        threads.save(List.of(), List.of(new OpenRun("run-1", "alice", 1_000, 1_000),
                new OpenRun("run-2", "bob", 2_000, 2_500)), List.of());
        threads.save(List.of(), List.of(new OpenRun("run-1", "alice", 1_000, 9_000),
                new OpenRun("run-1", "alice", 1_000, 8_000), new OpenRun("run-2", "bob", 2_000, 2_200)), List.of());

        assertThat(threads.openRuns()).containsExactlyInAnyOrder(new OpenRun("run-1", "alice", 1_000, 9_000),
                new OpenRun("run-2", "bob", 2_000, 2_500));

        threads.save(List.of(), List.of(new OpenRun("run-3", "carol", 10_000, 10_000)), List.of("run-1", "unknown"));

        assertThat(threads.openRuns()).extracting(OpenRun::runId).containsExactlyInAnyOrder("run-2", "run-3");
    }

    @Test
    void anEmptySaveChangesNothing() {
        ConversationStore threads = store().conversations();
        threads.save(List.of(new Thread("fp", "run", 1)), List.of(new OpenRun("run", "u", 1, 1)), List.of());

        threads.save(List.of(), List.of(), List.of());

        assertThat(threads.recentThreads(10)).containsExactly(new Thread("fp", "run", 1));
        assertThat(threads.openRuns()).containsExactly(new OpenRun("run", "u", 1, 1));
    }

    @Test
    void threadingSurvivesARestart() {
        Store first = store();
        first.conversations().save(List.of(new Thread("fp-a", "run-1", 1_000), new Thread("fp-b", "run-2", 2_000)),
                List.of(new OpenRun("run-1", "alice", 1_000, 1_500), new OpenRun("run-2", "bob", 2_000, 2_000)),
                List.of("run-2"));
        first.close();

        ConversationStore second = store().conversations();

        assertThat(second.recentThreads(10)).containsExactly(new Thread("fp-b", "run-2", 2_000),
                new Thread("fp-a", "run-1", 1_000));
        assertThat(second.openRuns()).containsExactly(new OpenRun("run-1", "alice", 1_000, 1_500));
    }
}
