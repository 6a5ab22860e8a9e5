package com.insidellm.collector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.ingest.EventValidator;
import com.insidellm.collector.store.Store.EventRow;
import com.insidellm.collector.store.Store.ModelUsage;
import com.insidellm.collector.store.Store.RunCursor;
import com.insidellm.collector.store.Store.RunSummary;
import com.insidellm.collector.store.Store.Series;
import com.insidellm.collector.store.Store.UsageTotals;
import com.insidellm.collector.store.Store.WriteOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Store} promises, run against each implementation by a subclass: ingest and de-duplication, every
 * query and filter, retention, the live-tail sequence, and durability across a restart. A subclass gives a fresh,
 * empty location per test and opens stores on it.
 */
public abstract class StoreContractTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-06-30T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final List<Store> opened = new ArrayList<>();

    /** Opens a store on this test's location (the same location each time within a test). */
    protected abstract Store open(@Nullable Duration retention, Clock clock);

    /**
     * Brings {@code store}'s text-search index up to date, for a store that indexes after the commit (PostgreSQL);
     * searches must give the same answers before and after.
     */
    protected void indexSearch(Store store) {
        // indexed in the ingest transaction
    }

    private Store store() {
        Store s = open(null, CLOCK);
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(Store::close);
    }

    // ---------------------------------------------------------------- events for the tests

    static ObjectNode event(String type, String run, String user, Instant at) {
        ObjectNode e = JSON.createObjectNode();
        e.put("event_id", UUID.randomUUID().toString());
        e.put("run_id", run);
        e.put("timestamp", at.toString());
        e.put("event_type", type);
        e.put("user_id", user);
        e.putObject("payload");
        return e;
    }

    static ObjectNode runMarker(String type, String run, String user, Instant at) {
        ObjectNode e = event(type, run, user, at);
        e.withObjectProperty("payload").put("session_id", run).put("session_type", "chat").put("exit_reason", "completed");
        return e;
    }

    static ObjectNode input(String run, String user, Instant at, String text) {
        ObjectNode e = event("user.input", run, user, at);
        e.withObjectProperty("payload").put("input_text", text).put("input_type", "text");
        return e;
    }

    static ObjectNode response(String run, String user, Instant at, String model, long tokens, double cost,
            double latencyMs) {
        ObjectNode e = event("llm.response", run, user, at);
        ObjectNode p = e.withObjectProperty("payload");
        p.put("model_name", model).put("provider", model.startsWith("claude") ? "anthropic" : "openai")
                .put("response_text", "answer from " + model).put("response_time_ms", latencyMs).put("cost", cost);
        p.putObject("usage").put("prompt_tokens", tokens - 1).put("completion_tokens", 1).put("total_tokens", tokens);
        return e;
    }

    static ObjectNode error(String run, String user, Instant at, String message) {
        ObjectNode e = event("error", run, user, at);
        e.withObjectProperty("payload").put("error_type", "ToolError").put("error_message", message)
                .put("severity", "error");
        return e;
    }

    static StoredEvent stored(ObjectNode node) {
        String raw = node.toString();
        EventValidator.Result r = new EventValidator().validate(node, raw);
        assertThat(r.reason()).as("test event is valid").isNull();
        return r.event();
    }

    static List<StoredEvent> batch(ObjectNode... nodes) {
        return java.util.Arrays.stream(nodes).map(StoreContractTest::stored).toList();
    }

    static String run() {
        return UUID.randomUUID().toString();
    }

    static List<String> ids(List<EventRow> rows) {
        List<String> ids = new ArrayList<>();
        for (EventRow row : rows) {
            try {
                ids.add(JSON.readTree(row.raw()).get("event_id").asText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return ids;
    }

    static String id(ObjectNode e) {
        return e.get("event_id").asText();
    }

    // ---------------------------------------------------------------- ingest

    @Test
    void storesEventsAndReportsResentOnesAsDuplicates() throws Exception {
        Store store = store();
        String run = run();
        ObjectNode a = input(run, "alice", NOW.minusSeconds(3), "first");
        ObjectNode b = input(run, "alice", NOW.minusSeconds(2), "second");
        ObjectNode c = input(run, "alice", NOW.minusSeconds(1), "third");

        WriteOutcome first = store.write(batch(a, b));
        WriteOutcome again = store.write(batch(b, c, a));

        assertThat(first).isEqualTo(new WriteOutcome(2, List.of()));
        assertThat(again.accepted()).isEqualTo(1);
        assertThat(again.duplicates()).containsExactly(0, 2);
        assertThat(store.run(run).eventCount()).isEqualTo(3);
        assertThat(ids(store.events(EventFilter.all(), 0L, null, 100))).containsExactly(id(a), id(b), id(c));
    }

    @Test
    void anEventSentTwiceInOneBatchIsStoredOnce() throws Exception {
        Store store = store();
        ObjectNode a = input(run(), "alice", NOW, "once");

        WriteOutcome outcome = store.write(batch(a, a));

        assertThat(outcome.accepted()).isEqualTo(1);
        assertThat(outcome.duplicates()).containsExactly(1);
        assertThat(store.events(EventFilter.all(), null, null, 10)).hasSize(1);
    }

    @Test
    void sequenceNumbersFollowCommitOrderAndTheLiveTailWakesUp() throws Exception {
        Store store = store();
        long before = store.committedSeq();
        assertThat(store.awaitNewerThan(before, 50)).as("nothing new: returns after the timeout").isEqualTo(before);

        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return store.awaitNewerThan(before, TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        store.write(batch(input(run(), "u", NOW, "one"), input(run(), "u", NOW, "two")));

        assertThat(waiter.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(before + 2);
        List<EventRow> rows = store.events(EventFilter.all(), before, null, 10);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).seq()).isLessThan(rows.get(1).seq());
        assertThat(rows.get(1).seq()).isEqualTo(store.committedSeq());
    }

    // ---------------------------------------------------------------- runs

    @Test
    void summarisesRunsAndFiltersAndPagesThem() throws Exception {
        Store store = store();
        String r1 = run();
        String r2 = run();
        String r3 = run();
        store.write(batch(
                runMarker("run.start", r1, "alice", NOW.minusSeconds(300)),
                response(r1, "alice", NOW.minusSeconds(299), "gpt-4o", 100, 0.5, 800),
                response(r1, "alice", NOW.minusSeconds(298), "claude-3", 50, 0.25, 400),
                runMarker("run.end", r1, "alice", NOW.minusSeconds(297)),
                input(r2, "bob", NOW.minusSeconds(200), "hi"),
                error(r2, "bob", NOW.minusSeconds(199), "boom"),
                response(r3, "alice", NOW.minusSeconds(100), "gpt-4o", 10, 0.1, 100)));

        RunSummary s1 = store.run(r1);
        assertThat(s1.userId()).isEqualTo("alice");
        assertThat(s1.eventCount()).isEqualTo(4);
        assertThat(s1.llmCalls()).isEqualTo(2);
        assertThat(s1.tokens()).isEqualTo(150);
        assertThat(s1.cost()).isCloseTo(0.75, within(1e-9));
        assertThat(s1.errors()).isZero();
        assertThat(s1.ended()).isTrue();
        assertThat(s1.models()).containsExactly("claude-3", "gpt-4o");
        assertThat(s1.lastMicros() - s1.firstMicros()).isEqualTo(3_000_000);
        assertThat(store.run(r2).errors()).isEqualTo(1);
        assertThat(store.run(r2).ended()).isFalse();
        assertThat(store.run("no-such-run")).isNull();

        assertThat(runIds(store.runs(new RunFilter(null, null, null, null, null), 10, 0))).containsExactly(r3, r2, r1);
        assertThat(store.runs(new RunFilter(null, null, null, null, null), 10, 0).total()).isEqualTo(3);
        assertThat(runIds(store.runs(new RunFilter("alice", null, null, null, null), 10, 0))).containsExactly(r3, r1);
        assertThat(runIds(store.runs(new RunFilter(null, "claude-3", null, null, null), 10, 0))).containsExactly(r1);
        assertThat(runIds(store.runs(new RunFilter(null, null, true, null, null), 10, 0))).containsExactly(r2);
        assertThat(runIds(store.runs(new RunFilter(null, null, false, null, null), 10, 0))).containsExactly(r3, r1);
        long t150 = micros(NOW.minusSeconds(150));
        assertThat(runIds(store.runs(new RunFilter(null, null, null, t150, null), 10, 0))).containsExactly(r3);
        assertThat(runIds(store.runs(new RunFilter(null, null, null, null, t150), 10, 0))).containsExactly(r2, r1);
        Store.RunPage page = store.runs(new RunFilter(null, null, null, null, null), 1, 1);
        assertThat(page.total()).isEqualTo(3);
        assertThat(runIds(page)).containsExactly(r2);
    }

    private static List<String> runIds(Store.RunPage page) {
        return page.runs().stream().map(RunSummary::runId).toList();
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    @Test
    void pagesARunsEventsInTimeOrderWithACursor() throws Exception {
        Store store = store();
        String run = run();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Arrival order differs from time order, and some share a timestamp: the cursor must not skip or repeat.
            events.add(input(run, "u", NOW.minusSeconds(100 - (i * 7 % 25) / 2), "message " + i));
        }
        store.write(events.stream().map(StoreContractTest::stored).toList());

        List<String> all = new ArrayList<>();
        store.forEachRunEvent(run, (seq, raw) -> all.add(JSON.readTree(raw).get("event_id").asText()));
        List<String> paged = new ArrayList<>();
        RunCursor cursor = null;
        int pages = 0;
        do {
            List<String> page = new ArrayList<>();
            cursor = store.runEvents(run, cursor, 10, (seq, raw) -> page.add(JSON.readTree(raw).get("event_id").asText()));
            paged.addAll(page);
            pages++;
            assertThat(page.size()).isLessThanOrEqualTo(10);
        } while (cursor != null);

        assertThat(all).hasSize(25).doesNotHaveDuplicates();
        assertThat(paged).isEqualTo(all);
        assertThat(pages).isEqualTo(4); // 10, 10, 5, then an empty page that ends it
        List<Instant> times = new ArrayList<>();
        store.forEachRunEvent(run, (seq, raw) -> times.add(Instant.parse(JSON.readTree(raw).get("timestamp").asText())));
        assertThat(times).isSorted();
    }

    // ---------------------------------------------------------------- events and filters

    @Test
    void filtersEventsByEveryCondition() throws Exception {
        Store store = store();
        String r1 = run();
        String r2 = run();
        ObjectNode in = input(r1, "alice", NOW.minusSeconds(50), "Where is the Needle in the haystack?");
        ObjectNode gpt = response(r1, "alice", NOW.minusSeconds(40), "gpt-4o", 10, 0.1, 100);
        ObjectNode claude = response(r2, "bob", NOW.minusSeconds(30), "claude-3", 20, 0.2, 200);
        ObjectNode err = error(r2, "bob", NOW.minusSeconds(20), "tool exploded: 100% broken_pipe");
        store.write(batch(in, gpt, claude, err));

        assertThat(ids(find(store, filter(List.of("llm.response"), null, null, null, null, null, null, null, null))))
                .containsExactly(id(claude), id(gpt));
        assertThat(ids(find(store, filter(List.of("error", "user.input"), null, null, null, null, null, null, null, null))))
                .containsExactly(id(err), id(in));
        assertThat(ids(find(store, filter(List.of(), true, null, null, null, null, null, null, null))))
                .containsExactly(id(err));
        assertThat(ids(find(store, filter(List.of(), false, null, null, null, null, null, null, null))))
                .containsExactly(id(claude), id(gpt), id(in));
        assertThat(ids(find(store, filter(List.of(), null, "gpt-4o", null, null, null, null, null, null))))
                .containsExactly(id(gpt));
        assertThat(ids(find(store, filter(List.of(), null, null, "anthropic", null, null, null, null, null))))
                .containsExactly(id(claude));
        assertThat(ids(find(store, filter(List.of(), null, null, null, "bob", null, null, null, null))))
                .containsExactly(id(err), id(claude));
        assertThat(ids(find(store, filter(List.of(), null, null, null, null, r1, null, null, null))))
                .containsExactly(id(gpt), id(in));
        assertThat(ids(find(store, filter(List.of(), null, null, null, null, null, micros(NOW.minusSeconds(40)),
                micros(NOW.minusSeconds(20)), null)))).containsExactly(id(claude), id(gpt));
        // Text, at once after the ingest answered and again once indexed.
        assertTextSearch(store, r1, in, err, claude);
        indexSearch(store);
        assertTextSearch(store, r1, in, err, claude);
    }

    private void assertTextSearch(Store store, String r1, ObjectNode in, ObjectNode err, ObjectNode claude) {
        // Text: case-insensitive, anywhere in a payload string, LIKE's wildcards taken literally.
        assertThat(ids(find(store, filter(List.of(), null, null, null, null, null, null, null, "needle"))))
                .containsExactly(id(in));
        assertThat(ids(find(store, filter(List.of(), null, null, null, null, null, null, null, "100% broken_"))))
                .containsExactly(id(err));
        assertThat(find(store, filter(List.of(), null, null, null, null, null, null, null, "100%%"))).isEmpty();
        // Keys, ids and the event type are not payload strings.
        assertThat(find(store, filter(List.of(), null, null, null, null, null, null, null, "input_text"))).isEmpty();
        assertThat(find(store, filter(List.of(), null, null, null, null, null, null, null, r1.substring(0, 13))))
                .isEmpty();
        // Several conditions at once.
        assertThat(ids(find(store, filter(List.of("llm.response"), false, null, null, "bob", null, null, null,
                "claude")))).containsExactly(id(claude));
    }

    @Test
    void pagesEventsBackwardsWithBeforeAndForwardsWithAfter() throws Exception {
        Store store = store();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            events.add(input(run(), "u", NOW.minusSeconds(i), "e" + i));
        }
        store.write(events.stream().map(StoreContractTest::stored).toList());

        List<EventRow> newest = store.events(EventFilter.all(), null, null, 3);
        List<EventRow> older = store.events(EventFilter.all(), null, newest.get(2).seq(), 3);
        List<EventRow> oldestFirst = store.events(EventFilter.all(), 0L, null, 4);
        List<EventRow> rest = store.events(EventFilter.all(), oldestFirst.get(3).seq(), null, 10);

        assertThat(ids(newest)).containsExactly(id(events.get(6)), id(events.get(5)), id(events.get(4)));
        assertThat(ids(older)).containsExactly(id(events.get(3)), id(events.get(2)), id(events.get(1)));
        assertThat(ids(oldestFirst)).containsExactly(id(events.get(0)), id(events.get(1)), id(events.get(2)),
                id(events.get(3)));
        assertThat(ids(rest)).containsExactly(id(events.get(4)), id(events.get(5)), id(events.get(6)));
    }

    private static List<EventRow> find(Store store, EventFilter filter) {
        return store.events(filter, null, null, 100);
    }

    private static EventFilter filter(List<String> types, @Nullable Boolean errors, @Nullable String model,
            @Nullable String provider, @Nullable String user, @Nullable String run, @Nullable Long from,
            @Nullable Long to, @Nullable String text) {
        return new EventFilter(types, errors, model, provider, user, run, from, to, text);
    }

    @Test
    void listsFacetsForTheFilters() throws Exception {
        Store store = store();
        store.write(batch(input(run(), "zoe", NOW, "x"), response(run(), "adam", NOW, "gpt-4o", 1, 0, 1),
                response(run(), "adam", NOW, "claude-3", 1, 0, 1)));

        Store.Facets f = store.facets();

        assertThat(f.users()).containsExactly("adam", "zoe");
        assertThat(f.models()).containsExactly("claude-3", "gpt-4o");
        assertThat(f.eventTypes()).containsExactly("llm.response", "user.input");
    }

    // ---------------------------------------------------------------- aggregates

    @Test
    void aggregatesTotalsModelsAndTimeSeries() throws Exception {
        Store store = store();
        String r1 = run();
        String r2 = run();
        Instant base = Instant.parse("2026-06-30T10:00:00Z");
        store.write(batch(
                response(r1, "a", base.plusSeconds(10), "gpt-4o", 100, 1.0, 100),
                response(r1, "a", base.plusSeconds(20), "gpt-4o", 200, 2.0, 300),
                response(r1, "a", base.plusSeconds(70), "gpt-4o", 300, 3.0, 200),
                response(r2, "b", base.plusSeconds(80), "claude-3", 50, 0.5, 1000),
                error(r2, "b", base.plusSeconds(90), "x"),
                input(r2, "b", base.plusSeconds(200), "late")));

        UsageTotals all = store.totals(null, null);
        assertThat(all).isEqualTo(new UsageTotals(6, 1, 2, 4, 650, 6.5));
        UsageTotals firstMinute = store.totals(micros(base), micros(base.plusSeconds(60)));
        assertThat(firstMinute.events()).isEqualTo(2);
        assertThat(firstMinute.runs()).isEqualTo(1);

        List<ModelUsage> models = store.modelUsage(null, null);
        assertThat(models).extracting(ModelUsage::model).containsExactly("gpt-4o", "claude-3");
        ModelUsage gpt = models.get(0);
        assertThat(gpt.provider()).isEqualTo("openai");
        assertThat(gpt.calls()).isEqualTo(3);
        assertThat(gpt.promptTokens()).isEqualTo(597);
        assertThat(gpt.completionTokens()).isEqualTo(3);
        assertThat(gpt.tokens()).isEqualTo(600);
        assertThat(gpt.cost()).isCloseTo(6.0, within(1e-9));
        assertThat(gpt.latency()).isEqualTo(new Store.Latency(200.0, 300.0));

        assertThat(store.timeRange(null, null)).isEqualTo(new Store.TimeRange(micros(base.plusSeconds(10)),
                micros(base.plusSeconds(200))));
        assertThat(store.timeRange(micros(base.plusSeconds(1000)), null)).isNull();

        Series s = store.series(micros(base), 60_000_000L, 4, micros(base), micros(base.plusSeconds(240)));
        assertThat(s.models()).containsExactly("claude-3", "gpt-4o");
        assertThat(s.buckets()).extracting(Store.SeriesBucket::events).containsExactly(2L, 3L, 0L, 1L);
        assertThat(s.buckets()).extracting(Store.SeriesBucket::errors).containsExactly(0L, 1L, 0L, 0L);
        assertThat(s.buckets().get(0).latency()).isEqualTo(new Store.Latency(100.0, 300.0));
        assertThat(s.buckets().get(1).perModel()).containsOnlyKeys("claude-3", "gpt-4o");
        assertThat(s.buckets().get(1).perModel().get("gpt-4o")).isEqualTo(new Store.ModelTotals(1, 300, 3.0));
        assertThat(s.buckets().get(2).latency()).isEqualTo(new Store.Latency(null, null));
    }

    // ---------------------------------------------------------------- operations

    @Test
    void retentionRemovesOldEventsAndRunsAndNeverReusesSequenceNumbers() throws Exception {
        String oldRun = run();
        String newRun = run();
        Store store = open(Duration.ofDays(7), CLOCK);
        opened.add(store);
        // The newest sequence numbers go to old events, so the clean-up removes the highest ones.
        store.write(batch(input(newRun, "u", NOW.minus(Duration.ofDays(1)), "keep"),
                input(oldRun, "u", NOW.minus(Duration.ofDays(30)), "old"),
                input(oldRun, "u", NOW.minus(Duration.ofDays(29)), "old")));
        long lastSeq = store.committedSeq();

        store.applyRetention();

        assertThat(store.events(EventFilter.all(), null, null, 10)).hasSize(1);
        assertThat(store.run(oldRun)).isNull();
        assertThat(store.run(newRun)).isNotNull();
        store.close();
        Store reopened = store();
        reopened.write(batch(input(newRun, "u", NOW, "after")));
        assertThat(reopened.committedSeq()).isGreaterThan(lastSeq);
        // An event older than the retention arriving late is still stored, and goes at the next clean-up.
        assertThat(reopened.write(batch(input(oldRun, "u", NOW.minus(Duration.ofDays(40)), "late"))).accepted())
                .isEqualTo(1);
    }

    @Test
    void everythingAcknowledgedSurvivesARestart() throws Exception {
        String run = run();
        ObjectNode a = input(run, "u", NOW.minusSeconds(2), "before restart");
        Store first = store();
        first.write(batch(a, response(run, "u", NOW.minusSeconds(1), "gpt-4o", 10, 0.1, 10)));
        long seq = first.committedSeq();
        first.close();

        Store second = store();

        assertThat(second.committedSeq()).isEqualTo(seq);
        assertThat(second.run(run).eventCount()).isEqualTo(2);
        assertThat(second.write(batch(a)).duplicates()).containsExactly(0);
        second.write(batch(input(run, "u", NOW, "after restart")));
        assertThat(second.committedSeq()).isGreaterThan(seq);
        assertThat(second.events(EventFilter.all(), seq, null, 10)).hasSize(1);
        assertThat(second.health().ok()).isTrue();
    }
}
