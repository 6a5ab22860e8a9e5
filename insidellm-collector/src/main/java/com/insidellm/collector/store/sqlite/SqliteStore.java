package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.ConversationStore;
import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.RunFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite {@link Store}: one database file in WAL mode, one writer with group commit ({@link GroupCommitWriter}),
 * a background checkpointer, an hourly retention clean-up, and a small pool of read connections that WAL lets run
 * alongside the writer. Internal. Thread-safe.
 */
public final class SqliteStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);
    private static final int READ_CONNECTIONS = 4;

    private final Path path;
    private final LiveSequence sequence;
    private final GroupCommitWriter writer;
    private final @Nullable Checkpointer checkpointer;
    private final @Nullable Retention retention;
    private final ReadPool readPool;
    private final SqliteReads reads;
    private final SqliteAggregates aggregates;
    private final SqliteConversations conversations;
    private volatile boolean closed;

    /**
     * Opens (creating if needed) the database at {@code path}; with a retention, starts its hourly clean-up. With {@code
     * fsyncEachCommit} every commit waits for the disk ({@code synchronous=FULL}); without, a commit is in the WAL in
     * the OS file cache ({@code synchronous=NORMAL}), which survives the process being killed but not power loss.
     *
     * @throws StoreException if the database cannot be opened or migrated
     */
    public SqliteStore(Path path, @Nullable Duration retention, boolean fsyncEachCommit, Clock clock) {
        this.path = path;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection writeConnection = SqliteSchema.open(path, false, fsyncEachCommit);
            long lastSeq = SqliteSchema.migrate(writeConnection, path);
            SqliteConversations.migrate(writeConnection);
            sequence = new LiveSequence(lastSeq);
            readPool = ReadPool.open(path, READ_CONNECTIONS, fsyncEachCommit);
            checkpointer = SqliteSchema.BACKGROUND_CHECKPOINTS
                    ? new Checkpointer(SqliteSchema.open(path, false, fsyncEachCommit)) : null;
            writer = new GroupCommitWriter(writeConnection, lastSeq, sequence, checkpointer, clock);
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot open the event database " + path + ": " + e.getMessage(), e);
        }
        this.retention = retention == null ? null : new Retention(retention, clock, writer);
        this.reads = new SqliteReads(readPool);
        this.aggregates = new SqliteAggregates(readPool);
        this.conversations = new SqliteConversations(writer, readPool);
    }

    /** The database file. */
    public Path path() {
        return path;
    }

    @Override
    public WriteOutcome write(List<StoredEvent> events) throws InterruptedException {
        return writer.write(events);
    }

    @Override
    public long committedSeq() {
        return sequence.committed();
    }

    @Override
    public long awaitNewerThan(long seq, long timeoutMillis) throws InterruptedException {
        return sequence.awaitNewerThan(seq, timeoutMillis);
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
    public void forEachRunEvent(String runId, RowSink sink) throws IOException {
        reads.forEachRunEvent(runId, sink);
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
    public @Nullable TimeRange timeRange(@Nullable Long fromMicros, @Nullable Long toMicros) {
        return aggregates.timeRange(fromMicros, toMicros);
    }

    @Override
    public Series series(long startMicros, long bucketMicros, int bucketCount, long fromMicros, long toMicros) {
        return aggregates.series(startMicros, bucketMicros, bucketCount, fromMicros, toMicros);
    }

    @Override
    public void applyRetention() {
        if (retention != null) {
            retention.apply();
        }
    }

    @Override
    public Health health() {
        return new Health(!closed, "sqlite", path.toString());
    }

    @Override
    public ConversationStore conversations() {
        return conversations;
    }

    /** Counts rows with {@code sql} (a {@code SELECT count(*) …}); for tests and diagnostics. */
    long count(String sql) {
        return readPool.read(c -> {
            try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (retention != null) {
            retention.close();
        }
        if (checkpointer != null) {
            checkpointer.close();
        }
        sequence.close();
        writer.close();
        readPool.close();
    }

    static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a connection failed", e);
        }
    }
}
