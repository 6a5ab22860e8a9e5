package com.insidellm.collector.store.postgres;

import com.insidellm.collector.fanout.RedisFanout;
import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL {@link Store}, for any number of collector instances sharing one database: a HikariCP pool ({@link
 * PgPool}), the migrations applied at start, one writer per instance ({@link PgWriter}), daily partitions dropped by
 * retention ({@link PgRetention}), and the live-tail sequence kept current by this instance's commits, by other
 * instances' news over Redis when {@code --redis} is given, and by polling the database (every {@value
 * #FAST_POLL_MILLIS} ms while there is no Redis or it is down, every {@value #SLOW_POLL_MILLIS} ms as a safety net
 * while it is up). Text search is indexed off the ingest path by {@link PgSearchIndexer}, and exact at once
 * (migration V5). Internal. Thread-safe.
 */
public final class PostgresStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
    /** Connections per instance: the writer, live tails, queries. PostgreSQL's default max_connections is 100. */
    public static final int DEFAULT_POOL_SIZE = 10;
    static final long FAST_POLL_MILLIS = 250;
    static final long SLOW_POLL_MILLIS = 5000;

    private final PostgresUrl url;
    private final HikariDataSource pool;
    private final Clock clock;
    private final @Nullable PgRetention retention;
    private final Partitions partitions = new Partitions();
    private final SharedSequence sequence;
    private final PgWriter writer;
    private final PgSearchIndexer indexer;
    private final PgReads reads;
    private final PgAggregates aggregates;
    private final PgConversations conversations;
    private final @Nullable RedisFanout fanout;
    private final ScheduledExecutorService background;
    private final int schemaVersion;
    private volatile long lastPollMillis;
    private volatile @Nullable String pollError;
    private volatile boolean closed;

    /**
     * Connects, applies pending migrations, and starts the writer, the search indexer, polling, the fan-out (when
     * {@code redis} is given) and, with a retention, its hourly clean-up. With {@code fsyncEachCommit} false the
     * collector's sessions run with {@code synchronous_commit = off} ({@code --durability process}): a commit is
     * acknowledged once it is in PostgreSQL's write-ahead log buffers, without waiting for the disk. Acknowledged events
     * then survive the collector being killed at any moment, as with SQLite's {@code synchronous=NORMAL}; a crash of the
     * PostgreSQL server or its machine can lose the commits of its last moments ({@code 3 × wal_writer_delay}, 600 ms
     * by default) but never leaves the database inconsistent. With {@code true} every commit waits for its WAL flush.
     *
     * @throws StoreException if the database cannot be reached or migrated (the message never holds the password)
     */
    public PostgresStore(PostgresUrl url, @Nullable URI redis, @Nullable Duration retention, boolean fsyncEachCommit,
            Clock clock) {
        this(url, redis, retention, fsyncEachCommit, clock, PgSearchIndexer.DEFAULT_BATCH_SIZE, true);
    }

    /**
     * As the public constructor; {@code indexBatchSize} events per indexing transaction, and with {@code
     * indexInBackground} false the search index moves only when a test calls {@link #searchIndexer()}.
     */
    PostgresStore(PostgresUrl url, @Nullable URI redis, @Nullable Duration retention, boolean fsyncEachCommit,
            Clock clock, int indexBatchSize, boolean indexInBackground) {
        this.url = url;
        this.clock = clock;
        this.pool = PgPool.open(url, DEFAULT_POOL_SIZE, fsyncEachCommit);
        long lastSeq;
        String clusterId;
        try (Connection c = pool.getConnection()) {
            int applied = Migrations.migrate(c);
            schemaVersion = Migrations.version(c);
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT last_seq, cluster_id FROM insidellm_live WHERE id = 1")) {
                rs.next();
                lastSeq = rs.getLong(1);
                clusterId = rs.getString(2);
            }
            LOG.info("PostgreSQL store at {}: schema version {} ({} migrations applied now), last sequence {}", url,
                    schemaVersion, applied, lastSeq);
        } catch (SQLException e) {
            pool.close();
            throw new StoreException("cannot open the PostgreSQL database " + url + ": " + e.getMessage(), e);
        }
        this.sequence = new SharedSequence(lastSeq);
        this.retention = retention == null ? null : new PgRetention(pool, partitions, clock, retention);
        PgSql sql = new PgSql(pool);
        this.reads = new PgReads(sql);
        this.aggregates = new PgAggregates(sql);
        this.conversations = new PgConversations(pool);
        this.fanout = redis == null ? null
                : new RedisFanout(redis, "insidellm:live:" + clusterId, sequence::advanceTo, this::poll);
        RedisFanout f = fanout;
        this.writer = new PgWriter(pool, partitions, sequence, f == null ? seq -> { } : f::publish, clock);
        this.indexer = new PgSearchIndexer(pool, indexBatchSize, sequence);
        if (indexInBackground) {
            indexer.start();
        }
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "insidellm-collector-pg-poller");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("{} failed", th.getName(), e));
            return t;
        });
        background.scheduleWithFixedDelay(this::pollIfDue, FAST_POLL_MILLIS, FAST_POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (retention != null) {
            background.scheduleWithFixedDelay(this::applyRetention, 0, 1, TimeUnit.HOURS);
        }
    }

    /**
     * Applies pending migrations and returns the schema version, for {@code --migrate-only} in deployment pipelines.
     *
     * @throws StoreException if the database cannot be reached or migrated
     */
    public static int migrateOnly(PostgresUrl url) {
        try (HikariDataSource pool = PgPool.open(url, 1, true); Connection c = pool.getConnection()) {
            int applied = Migrations.migrate(c);
            int version = Migrations.version(c);
            LOG.info("PostgreSQL store at {}: schema version {} ({} migrations applied now)", url, version, applied);
            return version;
        } catch (SQLException e) {
            throw new StoreException("cannot migrate the PostgreSQL database " + url + ": " + e.getMessage(), e);
        }
    }

    /** Polls now if the fan-out cannot be relied on, or the slow safety-net interval has passed. */
    private void pollIfDue() {
        RedisFanout f = fanout;
        long interval = f != null && f.up() ? SLOW_POLL_MILLIS : 0;
        if (clock.millis() - lastPollMillis >= interval) {
            poll();
        }
    }

    /** Reads the committed sequence from the database: other instances' commits that no news announced. */
    private void poll() {
        if (closed) {
            return;
        }
        lastPollMillis = clock.millis();
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT last_seq FROM insidellm_live WHERE id = 1");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            sequence.advanceTo(rs.getLong(1));
            pollError = null;
        } catch (SQLException | RuntimeException e) {
            if (pollError == null) {
                LOG.warn("reading the committed sequence from PostgreSQL failed: {}", e.getMessage());
            }
            pollError = e.getMessage();
        }
    }

    @Override
    public WriteOutcome write(List<StoredEvent> events) throws InterruptedException {
        return writer.write(events);
    }

    @Override
    public long committedSeq() {
        return sequence.known();
    }

    @Override
    public long awaitNewerThan(long seq, long timeoutMillis) throws InterruptedException {
        return sequence.awaitAbove(seq, timeoutMillis);
    }

    @Override
    public RunPage runs(RunFilter filter, int limit, int offset) {
        return reads.runs(filter, limit, offset);
    }

    @Override
    public @Nullable RunSummary run(String runId) {
        return reads.run(runId);
    }

    @Override
    public @Nullable RunCursor runEvents(String runId, @Nullable RunCursor after, int limit, RowSink sink)
            throws IOException {
        return reads.runEvents(runId, after, limit, sink);
    }

    @Override
    public List<EventRow> events(EventFilter filter, @Nullable Long after, @Nullable Long before, int limit) {
        return reads.events(filter, after, before, limit);
    }

    @Override
    public List<TimedEventRow> eventsByTime(EventFilter filter, @Nullable TimeCursor before, int limit) {
        return reads.eventsByTime(filter, before, limit);
    }

    @Override
    public List<ToolUsage> toolUsage(@Nullable Long fromMicros, @Nullable Long toMicros) {
        return aggregates.toolUsage(fromMicros, toMicros);
    }

    @Override
    public List<UserUsage> userUsage(@Nullable Long fromMicros, @Nullable Long toMicros) {
        return aggregates.userUsage(fromMicros, toMicros);
    }

    @Override
    public List<FeedbackUsage> feedbackUsage(@Nullable Long fromMicros, @Nullable Long toMicros) {
        return aggregates.feedbackUsage(fromMicros, toMicros);
    }

    @Override
    public Facets facets() {
        return reads.facets();
    }

    @Override
    public UsageTotals totals(@Nullable Long fromMicros, @Nullable Long toMicros) {
        return aggregates.totals(fromMicros, toMicros);
    }

    @Override
    public List<ModelUsage> modelUsage(@Nullable Long fromMicros, @Nullable Long toMicros) {
        return aggregates.modelUsage(fromMicros, toMicros);
    }

    @Override
    public @Nullable TimeRange timeRange(@Nullable Long fromMicros, @Nullable Long toMicros) {
        return aggregates.timeRange(fromMicros, toMicros);
    }

    @Override
    public Series series(long startMicros, long bucketMicros, int bucketCount, long fromMicros, long toMicros) {
        return aggregates.series(startMicros, bucketMicros, bucketCount, fromMicros, toMicros);
    }

    /**
     * Drops the daily partitions that lie wholly before the retention cut-off and deletes the runs that ended before
     * it ({@link PgRetention}).
     */
    @Override
    public void applyRetention() {
        PgRetention r = retention;
        if (r != null && !closed) {
            r.apply();
        }
    }

    /** The gateway's conversation threading, in tables shared by every instance (migration V4). */
    @Override
    public ConversationStore conversations() {
        return conversations;
    }

    @Override
    public Health health() {
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("schema_version", schemaVersion);
        Map<String, Object> poolState = new LinkedHashMap<>();
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        if (bean != null) {
            poolState.put("active", bean.getActiveConnections());
            poolState.put("idle", bean.getIdleConnections());
            poolState.put("total", bean.getTotalConnections());
            poolState.put("waiting", bean.getThreadsAwaitingConnection());
        }
        poolState.put("max", pool.getMaximumPoolSize());
        store.put("pool", poolState);
        boolean ok = !closed;
        String error = null;
        if (ok) {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            } catch (SQLException e) {
                ok = false;
                error = e.getMessage();
            }
        }
        if (error != null) {
            store.put("error", error);
        }
        Map<String, Object> live = new LinkedHashMap<>();
        RedisFanout f = fanout;
        if (f == null) {
            live.put("fanout", "none");
            live.put("mode", "polling");
        } else {
            live.put("fanout", "redis");
            live.put("mode", f.up() ? "push" : "polling");
            live.putAll(f.health());
        }
        live.put("poll_interval_ms", f != null && f.up() ? SLOW_POLL_MILLIS : FAST_POLL_MILLIS);
        Map<String, Object> search = new LinkedHashMap<>();
        long indexed = indexer.lastWatermark();
        if (indexed >= 0) {
            search.put("indexed_seq", indexed);
            // Events that searches scan instead of reading the index, as this instance last saw it.
            search.put("not_indexed", Math.max(0, sequence.known() - indexed));
        }
        String indexError = indexer.lastError();
        if (indexError != null) {
            search.put("error", indexError);
        }
        store.put("search_index", search);
        return new Health(ok, "postgresql", url.toString(), store, live);
    }

    /** The search indexer, for tests. */
    PgSearchIndexer searchIndexer() {
        return indexer;
    }

    /** The pool, for tests and diagnostics. */
    HikariDataSource pool() {
        return pool;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        background.shutdownNow();
        indexer.close();
        writer.close();
        sequence.close();
        if (fanout != null) {
            fanout.close();
        }
        pool.close();
    }
}
