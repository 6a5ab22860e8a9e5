package com.insidellm.collector.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.ingest.EventValidator;
import com.insidellm.collector.servers.PostgresServer;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.StoredEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The search index off the commit path (migration V5) against a real PostgreSQL: searches exact before and after the
 * indexer ran, the watermark, several instances on one database, restarts, retention and the upgrade of a version 4
 * database.
 */
class PgSearchIndexTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-06-30T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final List<Store> opened = new ArrayList<>();
    private String url;

    @BeforeEach
    void newDatabase() {
        url = PostgresServer.shared().newDatabase();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Store::close);
    }

    private PostgresStore open(int batchSize, boolean background, @Nullable Duration retention) {
        PostgresStore s = new PostgresStore(PostgresUrl.parse(url, null), null, retention, true, CLOCK, batchSize, background);
        opened.add(s);
        return s;
    }

    private static ObjectNode input(String run, Instant at, String text) {
        ObjectNode e = JSON.createObjectNode();
        e.put("event_id", UUID.randomUUID().toString());
        e.put("run_id", run);
        e.put("timestamp", at.toString());
        e.put("event_type", "user.input");
        e.put("user_id", "u");
        e.putObject("payload").put("input_text", text).put("input_type", "text");
        return e;
    }

    private static List<StoredEvent> batch(List<ObjectNode> nodes) {
        List<StoredEvent> events = new ArrayList<>();
        for (ObjectNode node : nodes) {
            EventValidator.Result r = new EventValidator().validate(node, node.toString());
            assertThat(r.reason()).as("test event is valid").isNull();
            events.add(r.event());
        }
        return events;
    }

    /** Writes {@code count} events, every third one holding "needle"; returns the needles' ids. */
    private static List<String> writeEvents(Store store, int count, Instant at) throws InterruptedException {
        List<ObjectNode> nodes = new ArrayList<>();
        List<String> needles = new ArrayList<>();
        String run = UUID.randomUUID().toString();
        for (int i = 0; i < count; i++) {
            ObjectNode e = input(run, at.plusMillis(i), i % 3 == 0 ? "hay and a NeedLe " + i : "only hay " + i);
            nodes.add(e);
            if (i % 3 == 0) {
                needles.add(e.get("event_id").asText());
            }
        }
        assertThat(store.write(batch(nodes)).accepted()).isEqualTo(count);
        return needles;
    }

    private static List<String> search(Store store, String text) {
        return search(store, text, null);
    }

    /** Searches the events from {@code from} on. */
    private static List<String> search(Store store, String text, @Nullable Instant from) {
        EventFilter filter = new EventFilter(List.of(), null, null, null, null, null,
                from == null ? null : from.toEpochMilli() * 1000, null, text, null, null, null, java.util.Map.of());
        List<String> ids = new ArrayList<>();
        for (Store.EventRow row : store.events(filter, null, null, 1000)) {
            try {
                ids.add(JSON.readTree(row.raw()).get("event_id").asText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return ids;
    }

    private long[] counts(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long[] values = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rs.getLong(i + 1);
            }
            return values;
        }
    }

    /** Every stored event is in the search table exactly once, and nothing else is. */
    private void assertIndexedOnceEach() throws SQLException {
        long[] c = counts("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_search),"
                + " (SELECT count(DISTINCT seq) FROM event_search),"
                + " (SELECT count(*) FROM (SELECT seq FROM events EXCEPT SELECT seq FROM event_search) missing),"
                + " (SELECT count(*) FROM (SELECT seq FROM event_search EXCEPT SELECT seq FROM events) extra)");
        assertThat(c[1]).as("search rows").isEqualTo(c[0]);
        assertThat(c[2]).as("distinct search rows").isEqualTo(c[0]);
        assertThat(c[3]).as("events missing from the index").isZero();
        assertThat(c[4]).as("search rows without their event").isZero();
    }

    @Test
    void searchIsExactBeforeAndAfterIndexingAndTheWatermarkFollowsTheIndexer() throws Exception {
        PostgresStore store = open(10, false, null);
        List<String> needles = writeEvents(store, 25, NOW.minusSeconds(60));
        ObjectNode nul = input(UUID.randomUUID().toString(), NOW, "before\u0000after \\u0000 literal");
        store.write(batch(List.of(nul)));
        long last = store.committedSeq();

        // Nothing indexed yet: the scan above the watermark answers.
        assertThat(PgTestStores.watermark(store)).isZero();
        assertThat(search(store, "needle")).containsExactlyInAnyOrderElementsOf(needles);
        assertThat(search(store, "needle", NOW.minusSeconds(60).plusMillis(12))).hasSize(5);
        assertThat(search(store, "before\ufffdafter")).containsExactly(nul.get("event_id").asText());
        assertThat(search(store, "\\u0000 liter")).containsExactly(nul.get("event_id").asText());

        PgSearchIndexer.Round first = store.searchIndexer().indexBatch();
        assertThat(first.indexed()).isEqualTo(10);
        assertThat(PgTestStores.watermark(store)).isEqualTo(first.watermark()).isLessThan(last);
        // Half indexed, half scanned.
        assertThat(search(store, "needle")).containsExactlyInAnyOrderElementsOf(needles);

        assertThat(PgTestStores.indexAll(store)).isEqualTo(last);
        assertThat(PgTestStores.watermark(store)).isEqualTo(last);
        assertThat(store.searchIndexer().indexBatch()).isEqualTo(new PgSearchIndexer.Round(0, last));
        assertIndexedOnceEach();
        assertThat(search(store, "needle")).containsExactlyInAnyOrderElementsOf(needles);
        assertThat(search(store, "needle", NOW.minusSeconds(60).plusMillis(12))).hasSize(5);
        assertThat(search(store, "before\ufffdafter")).containsExactly(nul.get("event_id").asText());
        assertThat(search(store, "\\u0000 liter")).containsExactly(nul.get("event_id").asText());
        assertThat(search(store, "input_text")).as("keys are not searched").isEmpty();
    }

    @Test
    void theTailScanFindsWhatTheIndexFindsAlsoWhereTheJsonEscapesTheText() throws Exception {
        PostgresStore store = open(1000, false, null);
        String run = UUID.randomUUID().toString();
        List<ObjectNode> nodes = List.of(input(run, NOW.minusSeconds(5), "she said \"hi\" twice"),
                input(run, NOW.minusSeconds(4), "line one\nline two"),
                input(run, NOW.minusSeconds(3), "path C:\\temp"),
                input(run, NOW.minusSeconds(3).plusMillis(1), "Caf\u00e9 au lait, path"),
                input(run, NOW.minusSeconds(2), "tab\there and a slash a/b"),
                input(run, NOW.minusSeconds(1), "plain text with Needle inside"));
        // One event written by hand, with escapes a serializer may choose: \u0041 for A, \/ for /.
        ObjectNode escaped = input(run, NOW, "x");
        String raw = escaped.toString().replace("\"input_text\":\"x\"", "\"input_text\":\"\\u0041lpha \\/ beta\"");
        EventValidator.Result r = new EventValidator().validate((ObjectNode) JSON.readTree(raw), raw);
        assertThat(r.reason()).isNull();
        List<StoredEvent> events = new ArrayList<>(batch(nodes));
        events.add(r.event());
        assertThat(store.write(events).accepted()).isEqualTo(7);
        List<String> terms = List.of("\"hi\"", "said \"", "one\nline", "café", "CAFÉ", "c:\\temp", "\there", "a/b",
                "needle", "alpha", "ALPHA / BETA", "input_text", "lait, path", "nothing like it");

        List<List<String>> onTheTail = new ArrayList<>();
        for (String term : terms) {
            onTheTail.add(search(store, term));
        }
        PgTestStores.indexAll(store);
        assertThat(PgTestStores.watermark(store)).isEqualTo(store.committedSeq());

        for (int i = 0; i < terms.size(); i++) {
            assertThat(onTheTail.get(i)).as(terms.get(i)).isEqualTo(search(store, terms.get(i)));
        }
        assertThat(onTheTail.get(0)).containsExactly(id(nodes.get(0)));
        assertThat(onTheTail.get(2)).containsExactly(id(nodes.get(1)));
        assertThat(onTheTail.get(5)).containsExactly(id(nodes.get(2)));
        assertThat(onTheTail.get(8)).containsExactly(id(nodes.get(5)));
        assertThat(onTheTail.get(10)).as("escaped A and /").containsExactly(r.event().eventId());
        assertThat(onTheTail.get(11)).as("keys are not searched").isEmpty();
    }

    private static String id(ObjectNode node) {
        return node.get("event_id").asText();
    }

    @Test
    void twoStoresOnOneDatabaseIndexEveryEventOnce() throws Exception {
        PostgresStore a = open(7, true, null);
        PostgresStore b = open(7, true, null);
        List<String> needles = new ArrayList<>();
        CompletableFuture<List<String>> fromB = CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    ids.addAll(writeEvents(b, 10, NOW.minusSeconds(200 - i)));
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return ids;
        });
        for (int i = 0; i < 20; i++) {
            needles.addAll(writeEvents(a, 10, NOW.minusSeconds(100 - i)));
        }
        needles.addAll(fromB.get());
        long last = Math.max(a.committedSeq(), b.committedSeq());

        await().atMost(Duration.ofSeconds(60)).until(() -> PgTestStores.watermark(a) == last);
        assertIndexedOnceEach();
        assertThat(counts("SELECT count(*) FROM events")[0]).isEqualTo(400);
        assertThat(search(b, "needle")).containsExactlyInAnyOrderElementsOf(needles);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> index = (java.util.Map<String, Object>) a.health().store().get("search_index");
            return index != null && Long.valueOf(last).equals(index.get("indexed_seq"));
        });
    }

    @Test
    void aRestartInTheMiddleOfABacklogResumesFromTheWatermark() throws Exception {
        PostgresStore first = open(10, false, null);
        List<String> needles = writeEvents(first, 35, NOW.minusSeconds(60));
        long last = first.committedSeq();
        assertThat(first.searchIndexer().indexBatch().indexed()).isEqualTo(10);
        long halfway = PgTestStores.watermark(first);
        first.close();

        PostgresStore second = open(10, true, null);

        await().atMost(Duration.ofSeconds(60)).until(() -> PgTestStores.watermark(second) == last);
        assertThat(halfway).isLessThan(last);
        assertIndexedOnceEach();
        assertThat(search(second, "needle")).containsExactlyInAnyOrderElementsOf(needles);
    }

    @Test
    void retentionDropsTheSearchRowsOfTheDaysItDrops() throws Exception {
        // Written and indexed without a retention first: a store with one cleans up in the background at start.
        PostgresStore writer = open(100, false, null);
        String run = UUID.randomUUID().toString();
        ObjectNode old = input(run, NOW.minus(Duration.ofDays(30)), "an ancient needle");
        ObjectNode recent = input(run, NOW.minus(Duration.ofDays(1)), "a recent needle");
        writer.write(batch(List.of(old, recent)));
        PgTestStores.indexAll(writer);
        long oldDay = Partitions.day(NOW.minus(Duration.ofDays(30)).toEpochMilli() * 1000);
        try (Connection c = writer.pool().getConnection()) {
            assertThat(Partitions.existing(c, "event_search")).contains(oldDay);
        }
        assertThat(search(writer, "needle")).hasSize(2);
        writer.close();

        PostgresStore store = open(100, false, Duration.ofDays(7));
        store.applyRetention();

        assertThat(search(store, "needle")).containsExactly(recent.get("event_id").asText());
        try (Connection c = store.pool().getConnection()) {
            assertThat(Partitions.existing(c, "event_search")).doesNotContain(oldDay);
        }
        assertIndexedOnceEach();
        assertThat(counts("SELECT count(*) FROM event_search")[0]).isEqualTo(1);
    }

    @Test
    void upgradesAVersion4DatabaseAndIndexesItsEvents() throws Exception {
        ObjectNode event = input(UUID.randomUUID().toString(), NOW.minusSeconds(5), "written by version four");
        long ts = NOW.minusSeconds(5).toEpochMilli() * 1000;
        long day = Partitions.day(ts);
        try (Connection c = DriverManager.getConnection(url)) {
            Migrations.migrate(c, 4);
            try (Statement st = c.createStatement();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO events (seq, event_id, run_id,"
                            + " event_type, user_id, ts, is_error, raw, search, received_at)"
                            + " VALUES (1, ?, ?, 'user.input', 'u', ?, false, ?, ?, 0)")) {
                st.execute("CREATE TABLE " + Partitions.name(day) + " PARTITION OF events FOR VALUES FROM ("
                        + day * Partitions.DAY_MICROS + ") TO (" + (day + 1) * Partitions.DAY_MICROS + ")");
                insert.setString(1, event.get("event_id").asText());
                insert.setString(2, event.get("run_id").asText());
                insert.setLong(3, ts);
                insert.setString(4, event.toString());
                insert.setString(5, "written by version four\u001ftext");
                insert.executeUpdate();
                st.execute("UPDATE insidellm_live SET last_seq = 1");
            }
        }

        PostgresStore store = open(10, false, null);

        assertThat(counts("SELECT max(version) FROM insidellm_schema_migrations")[0]).isEqualTo(5);
        assertThat(counts("SELECT count(*) FROM information_schema.columns WHERE table_name = 'events'"
                + " AND column_name = 'search'")[0]).as("the events' copy of the search text is gone").isZero();
        assertThat(search(store, "VERSION FOUR")).containsExactly(event.get("event_id").asText());
        assertThat(PgTestStores.indexAll(store)).isEqualTo(1);
        assertIndexedOnceEach();
        assertThat(search(store, "VERSION FOUR")).containsExactly(event.get("event_id").asText());
        // Ingest goes on after the upgrade, into the same day's partitions.
        ObjectNode after = input(event.get("run_id").asText(), NOW, "written by version five");
        assertThat(store.write(batch(List.of(after))).accepted()).isEqualTo(1);
        assertThat(search(store, "written by version")).hasSize(2);
    }
}
