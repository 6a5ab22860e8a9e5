package com.insidellm.collector.store.sqlite;

import com.insidellm.collector.store.Store.WriteOutcome;
import com.insidellm.collector.store.StoreBusyException;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer, with group commit. Internal. Thread-safe.
 *
 * <p>A request is queued, and whichever ingest thread finds the write connection free takes everything queued, writes
 * it in one transaction, commits, and only then completes each request — so an acknowledged event is committed to the
 * WAL, and concurrent requests share one commit. A lone sender (the SDK sends one batch at a time) writes on its own
 * thread with no hand-off. Sequence numbers are assigned here and published to {@link LiveSequence} after commit.
 */
final class GroupCommitWriter {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    /** Most events written in one transaction; bounds commit latency under a flood. */
    private static final int MAX_EVENTS_PER_TRANSACTION = 20_000;
    /** Most events queued for writing before ingest answers 503; bounds memory when the disk cannot keep up. */
    private static final int MAX_PENDING_EVENTS = 200_000;

    private static final String INSERT_EVENT = "INSERT OR IGNORE INTO events(" + SqliteSchema.EVENT_COLUMNS
            + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private record WriteRequest(List<StoredEvent> events, CompletableFuture<WriteOutcome> result) {}

    /** Work done on the write connection while holding the write lock (retention). */
    @FunctionalInterface
    interface ExclusiveWork {
        /** Runs in the writer's place; {@code lastSeq} is the highest sequence number assigned so far. */
        void run(Connection connection, long lastSeq) throws SQLException;
    }

    private final Connection connection;
    private final Clock clock;
    private final LiveSequence sequence;
    private final @Nullable Checkpointer checkpointer;
    private final Queue<WriteRequest> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingEvents = new AtomicInteger();
    /** Held by the thread that is writing; guards the connection, its statements and {@link #nextSeq}. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Signalled after each transaction, so waiting requests take over the writing or see they are done. */
    private final Object writeDone = new Object();
    private final PreparedStatement insert;
    private final PreparedStatement upsertRun;
    private final PreparedStatement insertModel;
    private final PreparedStatement insertTag;
    private volatile boolean closing;
    private volatile boolean closed;
    private long nextSeq;

    GroupCommitWriter(Connection connection, long lastSeq, LiveSequence sequence, @Nullable Checkpointer checkpointer,
            Clock clock) throws SQLException {
        this.connection = connection;
        this.clock = clock;
        this.sequence = sequence;
        this.checkpointer = checkpointer;
        this.nextSeq = lastSeq + 1;
        connection.setAutoCommit(false);
        insert = connection.prepareStatement(INSERT_EVENT);
        upsertRun = connection.prepareStatement(RunDelta.UPSERT_RUN);
        insertModel = connection.prepareStatement("INSERT OR IGNORE INTO run_models(run_id, model) VALUES (?, ?)");
        insertTag = connection.prepareStatement("INSERT OR IGNORE INTO event_tags(tag, seq, ts) VALUES (?, ?, ?)");
    }

    /** Writes events in the next transaction and returns once it has committed. */
    WriteOutcome write(List<StoredEvent> events) throws InterruptedException {
        if (events.isEmpty()) {
            return new WriteOutcome(0, List.of());
        }
        if (closing) {
            throw new StoreException("the collector is shutting down");
        }
        if (pendingEvents.addAndGet(events.size()) > MAX_PENDING_EVENTS) {
            pendingEvents.addAndGet(-events.size());
            throw new StoreBusyException("too many events waiting to be written");
        }
        CompletableFuture<WriteOutcome> result = new CompletableFuture<>();
        pending.add(new WriteRequest(events, result));
        while (!result.isDone()) {
            if (writeLock.tryLock()) {
                try {
                    writePending();
                } finally {
                    writeLock.unlock();
                }
                synchronized (writeDone) {
                    writeDone.notifyAll();
                }
            } else {
                synchronized (writeDone) {
                    // The writer signals after unlocking; checking under this monitor cannot miss that signal.
                    while (!result.isDone() && writeLock.isLocked()) {
                        // Interrupted: still queued, the next writer commits it, but this caller gets no acknowledgement.
                        writeDone.wait(1000);
                    }
                }
            }
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("writing events failed: " + cause, cause);
        }
    }

    /** Takes what is queued (up to a transaction's worth) and writes it; called with the write lock held. */
    private void writePending() {
        if (closed) {
            failAll(new StoreException("the collector is shutting down"));
            return;
        }
        List<WriteRequest> batch = new ArrayList<>();
        int events = 0;
        WriteRequest next;
        while (events < MAX_EVENTS_PER_TRANSACTION && (next = pending.poll()) != null) {
            batch.add(next);
            events += next.events().size();
        }
        if (!batch.isEmpty()) {
            pendingEvents.addAndGet(-events);
            writeBatch(batch);
        }
    }

    private void failAll(RuntimeException reason) {
        WriteRequest r;
        while ((r = pending.poll()) != null) {
            pendingEvents.addAndGet(-r.events().size());
            r.result().completeExceptionally(reason);
        }
    }

    private void writeBatch(List<WriteRequest> batch) {
        long seqBefore = nextSeq;
        List<WriteOutcome> outcomes = new ArrayList<>(batch.size());
        try {
            long receivedAt = clock.millis();
            Map<String, RunDelta> runs = new HashMap<>();
            for (WriteRequest request : batch) {
                int accepted = 0;
                List<Integer> duplicates = new ArrayList<>();
                List<StoredEvent> events = request.events();
                for (int i = 0; i < events.size(); i++) {
                    StoredEvent e = events.get(i);
                    bind(insert, nextSeq, e, receivedAt);
                    if (insert.executeUpdate() == 1) {
                        for (String tag : e.details().tags()) {
                            insertTag.setString(1, tag);
                            insertTag.setLong(2, nextSeq);
                            insertTag.setLong(3, e.timestampMicros());
                            insertTag.executeUpdate();
                        }
                        nextSeq++;
                        accepted++;
                        runs.computeIfAbsent(e.runId(), id -> new RunDelta(e.userId())).add(e);
                    } else {
                        duplicates.add(i);
                    }
                }
                outcomes.add(new WriteOutcome(accepted, duplicates));
            }
            for (Map.Entry<String, RunDelta> entry : runs.entrySet()) {
                entry.getValue().upsert(entry.getKey(), upsertRun, insertModel);
            }
            connection.commit();
            if (checkpointer != null) {
                checkpointer.committed();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("writing {} ingest requests failed; they are answered with an error", batch.size(), e);
            nextSeq = seqBefore;
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            StoreException failure = new StoreException("writing events failed: " + e.getMessage(), e);
            for (WriteRequest r : batch) {
                r.result().completeExceptionally(failure);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(outcomes.get(i));
        }
        if (nextSeq != seqBefore) {
            sequence.committed(nextSeq - 1);
        }
    }

    private static void bind(PreparedStatement st, long seq, StoredEvent e, long receivedAt) throws SQLException {
        st.setLong(1, seq);
        st.setString(2, e.eventId());
        st.setString(3, e.runId());
        setNullable(st, 4, e.parentEventId());
        st.setString(5, e.eventType());
        st.setString(6, e.userId());
        st.setLong(7, e.timestampMicros());
        setNullable(st, 8, e.model());
        setNullable(st, 9, e.provider());
        setNullable(st, 10, e.promptTokens());
        setNullable(st, 11, e.completionTokens());
        setNullable(st, 12, e.totalTokens());
        setNullable(st, 13, e.cost());
        setNullable(st, 14, e.latencyMs());
        st.setInt(15, e.error() ? 1 : 0);
        st.setString(16, e.rawJson());
        st.setLong(17, receivedAt);
        setNullable(st, 18, e.details().callType());
        setNullable(st, 19, e.details().traceId());
        setNullable(st, 20, e.details().name());
        setNullable(st, 21, e.details().score());
        setNullable(st, 22, e.details().timeToFirstTokenMs());
    }

    private static void setNullable(PreparedStatement st, int index, @Nullable Object value) throws SQLException {
        if (value == null) {
            st.setNull(index, Types.NULL);
        } else if (value instanceof String s) {
            st.setString(index, s);
        } else if (value instanceof Long l) {
            st.setLong(index, l);
        } else {
            st.setDouble(index, (Double) value);
        }
    }

    /**
     * Runs {@code work} in the writer's place, between transactions; skipped once the store is closed. The work
     * commits or rolls back itself.
     */
    void exclusive(ExclusiveWork work) throws SQLException {
        writeLock.lock();
        try {
            if (!closed) {
                work.run(connection, nextSeq - 1);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Stops accepting writes; commits what is already queued, then closes the connection. */
    void close() {
        closing = true;
        writeLock.lock();
        try {
            while (!pending.isEmpty()) {
                writePending();
            }
            closed = true;
            SqliteStore.closeQuietly(connection);
        } finally {
            writeLock.unlock();
        }
        synchronized (writeDone) {
            writeDone.notifyAll();
        }
    }
}
