package com.insidellm.collector.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.insidellm.collector.ingest.EventValidator;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.Store.FeedbackUsage;
import com.insidellm.collector.store.Store.ModelUsage;
import com.insidellm.collector.store.Store.RunSummary;
import com.insidellm.collector.store.Store.TimedEventRow;
import com.insidellm.collector.store.Store.ToolUsage;
import com.insidellm.collector.store.Store.UserUsage;
import com.insidellm.collector.store.StoredEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's reads and aggregates added for the query API: details, filters, run summaries, usage figures. */
class SqliteQueriesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2025-06-04T10:00:00Z");

    @TempDir Path dir;
    Store store;

    @BeforeEach
    void open() {
        store = newStore();
    }

    /** The store under test; {@code PostgresQueriesTest} runs these tests against PostgreSQL. */
    Store newStore() {
        return new SqliteStore(dir.resolve("q.db"), null, false, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    static ObjectNode event(String type, String run, String user, long offsetMs) {
        ObjectNode e = JSON.createObjectNode();
        e.put("event_id", UUID.randomUUID().toString());
        e.put("run_id", run);
        e.put("timestamp", T0.plusMillis(offsetMs).toString());
        e.put("event_type", type);
        e.put("user_id", user);
        e.putObject("payload");
        return e;
    }

    static ObjectNode payload(ObjectNode event) {
        return event.withObjectProperty("payload");
    }

    static String id(ObjectNode event) {
        return event.get("event_id").asText();
    }

    static StoredEvent stored(ObjectNode node) {
        EventValidator.Result r = new EventValidator().validate(node, node.toString());
        assertThat(r.reason()).isNull();
        return r.event();
    }

    void write(ObjectNode... nodes) throws InterruptedException {
        List<StoredEvent> events = new ArrayList<>();
        for (ObjectNode n : nodes) {
            events.add(stored(n));
        }
        store.write(events);
    }

    static String run() {
        return UUID.randomUUID().toString();
    }

    @Test
    void readsDetailsFromTheEventAndAcceptsListsInMetadata() {
        ObjectNode request = event("llm.request", run(), "u", 0);
        payload(request).put("model_name", "gpt-4o").put("provider", "openai").put("prompt", "hi")
                .put("call_type", "RAG_QUERY").putArray("tags").add("rag");
        request.putObject("metadata").put("trace_id", "t-1").put("run_name", "Support").putArray("tags").add("hidden")
                .add("rag").add(7);

        StoredEvent.Details d = stored(request).details();

        assertThat(d.callType()).isEqualTo("rag_query");
        assertThat(d.traceId()).isEqualTo("t-1");
        assertThat(d.runName()).isEqualTo("Support");
        assertThat(d.tags()).containsExactly("hidden", "rag", "7");

        ObjectNode nested = event("user.input", run(), "u", 0);
        payload(nested).put("input_text", "x");
        nested.putObject("metadata").putArray("tags").addObject();
        assertThat(new EventValidator().validate(nested, nested.toString()).reason())
                .isEqualTo("metadata.tags must be a string, number, boolean or a list of those, but was a list");
    }

    @Test
    void scoresFeedbackValuesAsNumbers() {
        assertThat(score(JSON.getNodeFactory().numberNode(4))).isEqualTo(4.0);
        assertThat(score(JSON.getNodeFactory().booleanNode(true))).isEqualTo(1.0);
        assertThat(score(JSON.getNodeFactory().textNode("thumbs_down"))).isEqualTo(0.0);
        assertThat(score(JSON.getNodeFactory().textNode("Thumbs up"))).isEqualTo(1.0);
        assertThat(score(JSON.getNodeFactory().textNode("0.8"))).isEqualTo(0.8);
        assertThat(score(JSON.getNodeFactory().textNode("meh"))).isNull();
    }

    private static Double score(com.fasterxml.jackson.databind.JsonNode value) {
        ObjectNode f = event("user.feedback", run(), "u", 0);
        payload(f).put("feedback_type", "rating").set("feedback_value", value);
        return stored(f).details().score();
    }

    @Test
    void filtersEventsByCallTypeTraceTagAndMetadata() throws Exception {
        String a = run();
        String b = run();
        ObjectNode rag = event("llm.request", a, "u", 0);
        payload(rag).put("model_name", "m").put("provider", "p").put("prompt", "x").put("call_type", "rag_query");
        rag.putObject("metadata").put("trace_id", "trace-1").put("company_id", "acme").put("review_count", 12)
                .put("hidden", true).putArray("tags").add("rag").add("classification");
        ObjectNode ragError = event("error", a, "u", 10);
        ragError.put("parent_event_id", id(rag));
        payload(ragError).put("error_type", "Timeout").put("error_message", "slow");
        ObjectNode chat = event("llm.request", b, "u", 20);
        payload(chat).put("model_name", "m").put("provider", "p").put("prompt", "y").put("call_type", "chat");
        chat.putObject("metadata").put("trace_id", "trace-1").put("company_id", "globex").putArray("tags").add("chat");
        ObjectNode other = event("user.input", run(), "u", 30);
        payload(other).put("input_text", "company_id acme");
        write(rag, ragError, chat, other);

        assertThat(ids(filter(null, null, null, Map.of()).callType("RAG_QUERY"))).containsExactly(id(ragError), id(rag));
        assertThat(ids(filter("RAG_QUERY", null, null, Map.of()).errors(true))).containsExactly(id(ragError));
        assertThat(ids(filter(null, "trace-1", null, Map.of()))).containsExactly(id(chat), id(rag));
        assertThat(ids(filter(null, null, "classification", Map.of()))).containsExactly(id(rag));
        assertThat(ids(filter(null, null, null, Map.of("company_id", "acme")))).containsExactly(id(rag));
        assertThat(ids(filter(null, null, null, Map.of("review_count", "12", "hidden", "true")))).containsExactly(id(rag));
        assertThat(ids(filter(null, null, null, Map.of("tags", "chat")))).containsExactly(id(chat));
        assertThat(ids(filter(null, null, null, Map.of("company_id", "initech")))).isEmpty();

        assertThat(runIds(new RunFilter(null, null, null, null, null, null, "trace-1", null, Map.of())))
                .containsExactlyInAnyOrder(a, b);
        assertThat(runIds(new RunFilter(null, null, null, null, null, "rag_query", null, null, Map.of())))
                .containsExactly(a);
        assertThat(runIds(new RunFilter(null, null, null, null, null, null, null, "chat", Map.of()))).containsExactly(b);
        assertThat(runIds(new RunFilter(null, null, null, null, null, null, null, null, Map.of("company_id", "globex"))))
                .containsExactly(b);
        assertThat(store.facets().callTypes()).containsExactly("chat", "rag_query");
        assertThat(store.facets().tags()).containsExactly("chat", "classification", "rag");
    }

    /** A filter builder for the test: the conditions under test, nothing else. */
    private record F(String callType, String trace, String tag, Map<String, String> metadata, Boolean errors) {
        F callType(String c) {
            return new F(c, trace, tag, metadata, errors);
        }

        F errors(boolean e) {
            return new F(callType, trace, tag, metadata, e);
        }

        EventFilter build() {
            return new EventFilter(List.of(), errors, null, null, null, null, null, null, null, callType, trace, tag,
                    metadata);
        }
    }

    private static F filter(String callType, String trace, String tag, Map<String, String> metadata) {
        return new F(callType, trace, tag, metadata, null);
    }

    private List<String> ids(F filter) {
        return store.eventsByTime(filter.build(), null, 100).stream()
                .map(r -> r.raw().substring(r.raw().indexOf("\"event_id\":\"") + 12, r.raw().indexOf("\"event_id\":\"") + 48))
                .toList();
    }

    private List<String> runIds(RunFilter filter) {
        return store.runs(filter, 100, 0).runs().stream().map(RunSummary::runId).toList();
    }

    @Test
    void pagesEventsInTimestampOrderNotArrivalOrder() throws Exception {
        String r = run();
        ObjectNode late = event("user.input", r, "u", 300);
        ObjectNode early = event("user.input", r, "u", 100);
        ObjectNode middle = event("user.input", r, "u", 200);
        ObjectNode sameTime = event("user.input", r, "u", 200);
        for (ObjectNode n : List.of(late, early, middle, sameTime)) {
            payload(n).put("input_text", "x");
        }
        write(late, early, middle, sameTime);

        List<TimedEventRow> first = store.eventsByTime(EventFilter.all(), null, 2);
        List<TimedEventRow> second = store.eventsByTime(EventFilter.all(), first.get(1).cursor(), 10);

        assertThat(first).extracting(TimedEventRow::timestampMicros)
                .containsExactly(micros(300), micros(200));
        assertThat(second).extracting(TimedEventRow::timestampMicros).containsExactly(micros(200), micros(100));
        assertThat(second.get(0).seq()).isLessThan(first.get(1).seq());
    }

    private static long micros(long offsetMs) {
        return T0.plusMillis(offsetMs).toEpochMilli() * 1000;
    }

    @Test
    void summarisesARunWithNameFirstInputOwnSpanFeedbackAndErrorsCountedOnce() throws Exception {
        String r = run();
        ObjectNode start = event("run.start", r, "alice", 0);
        payload(start).put("session_id", r);
        start.putObject("metadata").put("run_name", "Trip planner").put("trace_id", "tr");
        ObjectNode second = event("user.input", r, "alice", 50);
        payload(second).put("input_text", "and Rome?");
        ObjectNode first = event("user.input", r, "alice", 10);
        payload(first).put("input_text", "Plan a trip to Paris");
        ObjectNode stray = event("agent.reasoning", r, "alice", 0);
        stray.put("timestamp", "2020-01-01T00:00:00Z");
        payload(stray).put("reasoning_type", "x").putArray("reasoning_steps");
        ObjectNode call = event("tool.call", r, "alice", 100);
        payload(call).put("tool_name", "weather").put("tool_type", "function").putObject("parameters");
        ObjectNode toolError = event("error", r, "alice", 150);
        toolError.put("parent_event_id", id(call));
        payload(toolError).put("error_type", "IOException").put("error_message", "down");
        ObjectNode failed = event("tool.response", r, "alice", 151);
        failed.put("parent_event_id", id(call));
        payload(failed).put("tool_name", "weather").put("tool_type", "function").putNull("response_data")
                .put("success", false).put("execution_time_ms", 50);
        ObjectNode function = event("function_execution", r, "alice", 160);
        payload(function).put("function_name", "lookup").putObject("function_args");
        payload(function).putNull("return_value").put("success", false);
        ObjectNode functionError = event("error", r, "alice", 161);
        functionError.put("parent_event_id", id(function));
        payload(functionError).put("error_type", "X").put("error_message", "y");
        ObjectNode lone = event("error", r, "alice", 170);
        payload(lone).put("error_type", "Other").put("error_message", "z");
        ObjectNode up = event("user.feedback", r, "alice", 180);
        payload(up).put("feedback_type", "thumbs").put("feedback_value", "thumbs_up");
        ObjectNode rating = event("user.feedback", r, "alice", 190);
        payload(rating).put("feedback_type", "thumbs").put("feedback_value", false);
        ObjectNode end = event("run.end", r, "alice", 1000);
        payload(end).put("session_id", r);
        // Two transactions, the later one holding the earlier input: the summary must not depend on arrival order.
        write(start, second, stray, call, toolError, failed);
        write(first, function, functionError, lone, up, rating, end);

        RunSummary s = store.run(r);

        assertThat(s.name()).isEqualTo("Trip planner");
        assertThat(s.firstInput()).isEqualTo("Plan a trip to Paris");
        assertThat(s.traceId()).isEqualTo("tr");
        assertThat(s.durationMicros()).isEqualTo(1_000_000L);
        assertThat(s.firstMicros()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli() * 1000);
        assertThat(s.errors()).as("tool failure once, function failure once, the lone error").isEqualTo(3);
        assertThat(s.feedback().count()).isEqualTo(2);
        assertThat(s.feedback().average()).isEqualTo(0.5);
        assertThat(store.runs(new RunFilter(null, null, true, null, null), 10, 0).runs()).hasSize(1);
        assertThat(store.totals(null, null).errors()).isEqualTo(3);
        assertThat(store.userUsage(null, null)).singleElement().satisfies(u -> {
            assertThat(u.userId()).isEqualTo("alice");
            assertThat(u.runs()).isEqualTo(1);
            assertThat(u.errors()).isEqualTo(3);
            assertThat(u.feedback().count()).isEqualTo(2);
        });
        assertThat(store.feedbackUsage(null, null)).containsExactly(
                new FeedbackUsage("thumbs", new Store.Feedback(2, 2, 0.5)));
    }

    @Test
    void ordersRunsByTheStartOfTheirOwnSpan() throws Exception {
        String older = run();
        String newer = run();
        ObjectNode olderStart = event("run.start", older, "u", 0);
        payload(olderStart).put("session_id", older);
        ObjectNode newerStart = event("run.start", newer, "u", 500);
        payload(newerStart).put("session_id", newer);
        ObjectNode stray = event("user.input", newer, "u", 0);
        stray.put("timestamp", "2020-01-01T00:00:00Z");
        payload(stray).put("input_text", "x");
        write(olderStart, newerStart, stray);

        assertThat(runIds(new RunFilter(null, null, null, null, null))).containsExactly(newer, older);
    }

    @Test
    void aggregatesToolsUsersAndTimeToFirstToken() throws Exception {
        String r = run();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            ObjectNode response = event("tool.response", r, i % 2 == 0 ? "bob" : "carol", i);
            payload(response).put("tool_name", "search").put("tool_type", "retrieval").put("response_data", "ok")
                    .put("execution_time_ms", i * 10).put("success", i != 20);
            events.add(response);
        }
        ObjectNode fn = event("function_execution", r, "bob", 30);
        payload(fn).put("function_name", "format").putObject("function_args");
        payload(fn).put("return_value", "x").put("execution_time_ms", 3);
        events.add(fn);
        for (int i = 1; i <= 4; i++) {
            ObjectNode response = event("llm.response", r, "bob", 40 + i);
            payload(response).put("model_name", "gpt-4o").put("provider", "openai").put("response_text", "x")
                    .put("response_time_ms", 1000 * i).put("time_to_first_token_ms", 100 * i);
            events.add(response);
        }
        write(events.toArray(ObjectNode[]::new));

        List<ToolUsage> tools = store.toolUsage(null, null);
        assertThat(tools).extracting(ToolUsage::name).containsExactly("search", "format");
        ToolUsage search = tools.get(0);
        assertThat(search.type()).isEqualTo("retrieval");
        assertThat(search.calls()).isEqualTo(20);
        assertThat(search.failures()).isEqualTo(1);
        assertThat(search.duration().p50()).isEqualTo(100.0);
        assertThat(search.duration().p95()).isEqualTo(190.0);
        assertThat(tools.get(1).type()).isEqualTo("function");

        ModelUsage model = store.modelUsage(null, null).get(0);
        assertThat(model.timeToFirstToken().p50()).isEqualTo(200.0);
        assertThat(model.timeToFirstToken().p95()).isEqualTo(400.0);

        List<UserUsage> users = store.userUsage(null, null);
        assertThat(users).extracting(UserUsage::userId).containsExactly("bob", "carol");
        assertThat(users.get(0).llmCalls()).isEqualTo(4);
        assertThat(users.get(0).errors()).isEqualTo(1);
        assertThat(users.get(0).cost()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void perUserToolAndFeedbackBreakdownsStopAtTheBusiestThousand() throws Exception {
        // User ids, tool names and feedback types come from the applications: a breakdown over all of them grew with
        // every new one, in one answer.
        String r = run();
        List<ObjectNode> events = new ArrayList<>();
        for (int i = 0; i <= Store.MAX_GROUPS; i++) {
            ObjectNode tool = event("tool.response", r, "user-" + i, i);
            payload(tool).put("tool_name", "tool-" + i).put("tool_type", "api").put("response_data", "ok").put("success", true);
            ObjectNode feedback = event("user.feedback", r, "user-" + i, i);
            payload(feedback).put("feedback_type", "kind-" + i).put("feedback_value", "thumbs_up");
            events.add(tool);
            events.add(feedback);
        }
        ObjectNode again = event("tool.response", r, "user-500", 5_000);
        payload(again).put("tool_name", "tool-700").put("tool_type", "api").put("response_data", "ok").put("success", true);
        ObjectNode feedbackAgain = event("user.feedback", r, "user-500", 5_000);
        payload(feedbackAgain).put("feedback_type", "kind-300").put("feedback_value", "thumbs_down");
        events.add(again);
        events.add(feedbackAgain);
        write(events.toArray(ObjectNode[]::new));

        List<UserUsage> users = store.userUsage(null, null);
        assertThat(users).hasSize(Store.MAX_GROUPS);
        assertThat(users.get(0).userId()).isEqualTo("user-500");
        List<ToolUsage> tools = store.toolUsage(null, null);
        assertThat(tools).hasSize(Store.MAX_GROUPS);
        assertThat(tools.get(0).name()).isEqualTo("tool-700");
        assertThat(tools.get(0).calls()).isEqualTo(2);
        List<FeedbackUsage> feedback = store.feedbackUsage(null, null);
        assertThat(feedback).hasSize(Store.MAX_GROUPS);
        assertThat(feedback.get(0).type()).isEqualTo("kind-300");
        assertThat(feedback.get(0).feedback().count()).isEqualTo(2);
    }

    @Test
    void upgradesADatabaseWrittenByAnEarlierBuild() throws Exception {
        store.close();
        Path db = dir.resolve("earlier.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE events (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, run_id TEXT NOT NULL,"
                    + " parent_event_id TEXT, event_type TEXT NOT NULL, user_id TEXT NOT NULL, ts INTEGER NOT NULL,"
                    + " model TEXT, provider TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, total_tokens INTEGER,"
                    + " cost REAL, latency_ms REAL, is_error INTEGER NOT NULL, raw TEXT NOT NULL,"
                    + " received_at INTEGER NOT NULL)");
            st.executeUpdate("CREATE TABLE runs (run_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, first_ts INTEGER NOT NULL,"
                    + " last_ts INTEGER NOT NULL, event_count INTEGER NOT NULL, llm_calls INTEGER NOT NULL,"
                    + " tokens INTEGER NOT NULL, cost REAL NOT NULL, errors INTEGER NOT NULL, ended INTEGER NOT NULL)");
            st.executeUpdate("INSERT INTO runs VALUES ('r', 'u', 1, 2, 1, 0, 0, 0, 0, 0)");
        }
        store = new SqliteStore(db, null, false, Clock.systemUTC());
        String r = run();
        ObjectNode input = event("user.input", r, "u", 0);
        payload(input).put("input_text", "hello");
        input.putObject("metadata").putArray("tags").add("t");
        write(input);

        assertThat(store.run(r).firstInput()).isEqualTo("hello");
        assertThat(store.run("r").name()).isNull();
        assertThat(runIds(new RunFilter(null, null, null, null, null, null, null, "t", Map.of()))).containsExactly(r);
    }
}
