package com.insidellm.collector.store;

import static com.insidellm.collector.store.StoreContractTest.batch;
import static com.insidellm.collector.store.StoreContractTest.input;
import static com.insidellm.collector.store.StoreContractTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.Store.WriteOutcome;
import com.insidellm.collector.store.postgres.PgTestStores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stores an event first with a plain insert and only on a unique violation again skipping the events
 * already stored. These are the cases the store contract does not reach: an event that another instance commits
 * while this one's statement waits for the sequence row (its snapshot, taken before the wait, cannot see it), and a
 * re-sent event in a batch that also opens a new day's partition (the COPY path, whose rollback undoes the partition).
 */
class PostgresDuplicateRaceTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @Test
    void anEventTwoInstancesStoreAtOnceIsStoredOnceAndTheSecondHearsItIsADuplicate() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try (Store a = PgTestStores.withoutBackgroundIndexing(url, null, Clock.systemUTC());
                Store b = PgTestStores.withoutBackgroundIndexing(url, null, Clock.systemUTC());
                Connection holder = DriverManager.getConnection(url);
                Connection watcher = DriverManager.getConnection(url)) {
            // Both instances know today's partition, so both take the one-statement path.
            a.write(batch(input(run(), "u", NOW.minusSeconds(2), "warm a")));
            b.write(batch(input(run(), "u", NOW.minusSeconds(1), "warm b")));
            ObjectNode event = input(run(), "u", NOW, "sent to both");

            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT last_seq FROM insidellm_live WHERE id = 1 FOR UPDATE");
            }
            Future<WriteOutcome> first = writers.submit(() -> a.write(batch(event)));
            await().atMost(Duration.ofSeconds(60)).until(() -> waitingForLocks(watcher) == 1);
            Future<WriteOutcome> second = writers.submit(() -> b.write(batch(event)));
            await().atMost(Duration.ofSeconds(60)).until(() -> waitingForLocks(watcher) == 2);
            holder.commit();

            List<WriteOutcome> outcomes = List.of(first.get(60, TimeUnit.SECONDS), second.get(60, TimeUnit.SECONDS));
            assertThat(outcomes).containsExactlyInAnyOrder(new WriteOutcome(1, List.of()),
                    new WriteOutcome(0, List.of(0)));
            assertThat(a.events(EventFilter.all(), null, null, 10)).hasSize(3);
            assertThat(a.committedSeq()).isEqualTo(3);
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void aReSentEventBesideANewDaysEventIsADuplicateAndTheNewDayIsStored() throws Exception {
        String url = PostgresServer.shared().newDatabase();
        try (Store store = PgTestStores.withoutBackgroundIndexing(url, null, Clock.systemUTC())) {
            String run = run();
            ObjectNode today = input(run, "u", NOW, "today");
            ObjectNode lastWeek = input(run, "u", NOW.minus(Duration.ofDays(7)), "last week");
            store.write(batch(today));

            WriteOutcome outcome = store.write(batch(today, lastWeek));

            assertThat(outcome).isEqualTo(new WriteOutcome(1, List.of(0)));
            assertThat(store.run(run).eventCount()).isEqualTo(2);
            // The partition created in the rolled-back attempt exists after the one that committed, for later batches.
            assertThat(store.write(batch(input(run, "u", NOW.minus(Duration.ofDays(7)).plusSeconds(1), "later")))
                    .accepted()).isEqualTo(1);
            assertThat(store.run(run).eventCount()).isEqualTo(3);
        }
    }

    /** Sessions of this database that wait for a lock ({@code watcher} in auto-commit, so each look is fresh). */
    private static int waitingForLocks(Connection watcher) throws SQLException {
        try (Statement st = watcher.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM"
                + " pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
