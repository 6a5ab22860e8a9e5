package com.insidellm.collector.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite event store. Internal.
 *
 * <p>Writes are combined: a request is queued, and whichever ingest thread finds the write connection free takes
 * everything queued, writes it in one transaction, commits, and only then completes each request — so an
 * acknowledged event is committed to the WAL, and concurrent requests share one commit. A lone sender (the SDK sends
 * one batch at a time) writes on its own thread with no hand-off. Reads use a small pool of separate connections,
 * which WAL lets run alongside the writer. Thread-safe.
 */
public final class EventStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventStore.class);

  /** Most events written in one transaction; bounds commit latency under a flood. */
  private static final int MAX_EVENTS_PER_TRANSACTION = 20_000;
  private static final int READ_CONNECTIONS = 4;

  /**
   * The events table ({@code %s} is its name). Deduplication is by {@code (ts, event_id)}: a retry re-sends the same
   * event, timestamp included. Keying on the timestamp first makes the unique index grow at its right edge, as
   * timestamps mostly increase; a unique index on the random v4 ids alone touched a random page per insert and cost
   * half the ingest throughput. The same index serves time-range queries. Text search reads the payload's strings
   * out of {@code raw} when it runs; a stored copy of them doubled the bytes written per event.
   */
  private static final String EVENTS_TABLE = """
      CREATE TABLE IF NOT EXISTS %s (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        parent_event_id TEXT,
        event_type TEXT NOT NULL,
        user_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        model TEXT,
        provider TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        total_tokens INTEGER,
        cost REAL,
        latency_ms REAL,
        is_error INTEGER NOT NULL,
        raw TEXT NOT NULL,
        received_at INTEGER NOT NULL
      )""";

  /** The columns of {@link #EVENTS_TABLE}, in order. */
  private static final String EVENT_COLUMNS = "seq, event_id, run_id, parent_event_id, event_type, user_id, ts, model,"
      + " provider, prompt_tokens, completion_tokens, total_tokens, cost, latency_ms, is_error, raw, received_at";

  private static final String SCHEMA = EVENTS_TABLE.formatted("events") + """
      ;
      CREATE INDEX IF NOT EXISTS events_run ON events(run_id, ts);
      CREATE UNIQUE INDEX IF NOT EXISTS events_ts_id ON events(ts, event_id);
      CREATE INDEX IF NOT EXISTS events_type ON events(event_type, ts);
      CREATE INDEX IF NOT EXISTS events_user ON events(user_id, ts);
      CREATE INDEX IF NOT EXISTS events_model ON events(model, ts) WHERE model IS NOT NULL;
      CREATE INDEX IF NOT EXISTS events_errors ON events(ts) WHERE is_error = 1;
      CREATE TABLE IF NOT EXISTS runs (
        run_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        first_ts INTEGER NOT NULL,
        last_ts INTEGER NOT NULL,
        event_count INTEGER NOT NULL,
        llm_calls INTEGER NOT NULL,
        tokens INTEGER NOT NULL,
        cost REAL NOT NULL,
        errors INTEGER NOT NULL,
        ended INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS runs_first ON runs(first_ts);
      CREATE INDEX IF NOT EXISTS runs_user ON runs(user_id, first_ts);
      CREATE TABLE IF NOT EXISTS run_models (
        run_id TEXT NOT NULL,
        model TEXT NOT NULL,
        PRIMARY KEY (run_id, model)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS run_models_model ON run_models(model);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      """;

  private static final String INSERT_EVENT = "INSERT OR IGNORE INTO events(" + EVENT_COLUMNS
      + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  private static final String UPSERT_RUN = "INSERT INTO runs(run_id, user_id, first_ts, last_ts, event_count,"
      + " llm_calls, tokens, cost, errors, ended) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id) DO UPDATE SET"
      + " first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts),"
      + " event_count = event_count + excluded.event_count, llm_calls = llm_calls + excluded.llm_calls,"
      + " tokens = tokens + excluded.tokens, cost = cost + excluded.cost, errors = errors + excluded.errors,"
      + " ended = max(ended, excluded.ended)";

  /** What happened to one write request. {@code duplicates} holds indexes into the submitted list. */
  public record WriteOutcome(int accepted, List<Integer> duplicates) {}

  private record WriteRequest(List<StoredEvent> events, CompletableFuture<WriteOutcome> result) {}

  private final Path path;
  private final @Nullable Duration retention;
  private final boolean fsyncEachCommit;
  private final Clock clock;
  private final Connection writeConnection;
  private final BlockingQueue<Connection> readConnections = new ArrayBlockingQueue<>(READ_CONNECTIONS);
  private final Queue<WriteRequest> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pendingEvents = new AtomicInteger();
  /** Held by the thread that is writing; guards the write connection and its statements. */
  private final ReentrantLock writeLock = new ReentrantLock();
  /** Signalled after each transaction, so waiting requests take over the writing or see they are done. */
  private final Object writeDone = new Object();
  private final PreparedStatement insert;
  private final PreparedStatement upsertRun;
  private final PreparedStatement insertModel;
  private final @Nullable ScheduledExecutorService maintenance;
  private final Object seqLock = new Object();
  private volatile boolean closing;
  private volatile boolean closed;
  /** Copies committed WAL frames into the database file off the ingest path; null when disabled. */
  private final @Nullable Thread checkpointer;
  private final @Nullable Connection checkpointConnection;
  /** Commits since the checkpointer last ran; it runs after {@value #COMMITS_PER_CHECKPOINT} or once a second. */
  private final AtomicInteger commitsSinceCheckpoint = new AtomicInteger();
  /**
   * A checkpoint copies each changed page once, however often commits rewrote it (the right edges of the indexes,
   * every commit): 64 commits between checkpoints took ~10% off the store's CPU per ~1 KB event against 16; 256 was
   * no better (a longer WAL makes every page lookup dearer).
   */
  private static final int COMMITS_PER_CHECKPOINT = 64;
  /** Most events queued for writing before ingest answers 503; bounds memory when the disk cannot keep up. */
  private static final int MAX_PENDING_EVENTS = 200_000;
  private long nextSeq;
  private long committedSeq;

  /**
   * Opens (creating if needed) the database at {@code path}; with a retention, starts its hourly clean-up. With {@code
   * fsyncEachCommit} every commit waits for the disk ({@code synchronous=FULL}); without, a commit is in the WAL in
   * the OS file cache ({@code synchronous=NORMAL}), which survives the process being killed but not power loss.
   */
  public EventStore(Path path, @Nullable Duration retention, boolean fsyncEachCommit, Clock clock) {
    this.path = path;
    this.retention = retention;
    this.fsyncEachCommit = fsyncEachCommit;
    this.clock = clock;
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      writeConnection = open(false);
      try (Statement st = writeConnection.createStatement()) {
        st.executeUpdate("PRAGMA journal_mode=WAL");
        upgradeEventsTable(st);
        for (String ddl : SCHEMA.split(";")) {
          if (!ddl.isBlank()) {
            st.executeUpdate(ddl);
          }
        }
        long maxSeq = 0;
        try (ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM events")) {
          rs.next();
          maxSeq = rs.getLong(1);
        }
        try (ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE key = 'last_seq'")) {
          if (rs.next()) {
            maxSeq = Math.max(maxSeq, Long.parseLong(rs.getString(1)));
          }
        }
        nextSeq = maxSeq + 1;
        committedSeq = maxSeq;
      }
      writeConnection.setAutoCommit(false);
      insert = writeConnection.prepareStatement(INSERT_EVENT);
      upsertRun = writeConnection.prepareStatement(UPSERT_RUN);
      insertModel = writeConnection.prepareStatement("INSERT OR IGNORE INTO run_models(run_id, model) VALUES (?, ?)");
      for (int i = 0; i < READ_CONNECTIONS; i++) {
        readConnections.add(open(true));
      }
      checkpointConnection = BACKGROUND_CHECKPOINTS ? open(false) : null;
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot open the event database " + path + ": " + e.getMessage(), e);
    }
    if (checkpointConnection != null) {
      checkpointer = new Thread(this::checkpointLoop, "insidellm-collector-checkpoint");
      checkpointer.setDaemon(true);
      checkpointer.setContextClassLoader(null);
      checkpointer.start();
    } else {
      checkpointer = null;
    }
    if (retention != null) {
      maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "insidellm-collector-retention");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.setUncaughtExceptionHandler((th, e) -> LOG.error("retention thread failed", e));
        return t;
      });
      maintenance.scheduleWithFixedDelay(this::applyRetention, 0, 1, TimeUnit.HOURS);
    } else {
      maintenance = null;
    }
  }

  /**
   * Databases written by earlier builds declared {@code event_id UNIQUE}, an index SQLite cannot drop, and kept a
   * {@code search_text} copy of every payload's strings: copies their events into the current table, in one
   * transaction. Runs once; a no-op for new and upgraded databases.
   */
  private void upgradeEventsTable(Statement st) throws SQLException {
    boolean earlier = false;
    try (ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
        + " AND name LIKE 'sqlite_autoindex_events_%' UNION ALL SELECT 1 FROM pragma_table_info('events')"
        + " WHERE name = 'search_text'")) {
      earlier = rs.next();
    }
    if (!earlier) {
      return;
    }
    LOG.info("upgrading {} to the current events table: copying every event once, which needs free disk space about"
        + " the size of the database; this runs once", path);
    long start = System.nanoTime();
    st.executeUpdate("BEGIN IMMEDIATE");
    int copied;
    try {
      st.executeUpdate(EVENTS_TABLE.formatted("events_upgrade"));
      copied = st.executeUpdate("INSERT INTO events_upgrade(" + EVENT_COLUMNS + ") SELECT " + EVENT_COLUMNS
          + " FROM events");
      st.executeUpdate("DROP TABLE events");
      st.executeUpdate("ALTER TABLE events_upgrade RENAME TO events");
      st.executeUpdate("COMMIT");
    } catch (SQLException e) {
      try {
        st.executeUpdate("ROLLBACK");
      } catch (SQLException rollbackFailure) {
        // SQLite may have rolled back already (a full disk does); the first failure is the one to report.
        e.addSuppressed(rollbackFailure);
      }
      throw e;
    }
    // The copy went through the WAL; fold it into the database file now rather than on the first ingest.
    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    LOG.info("upgraded {}: {} events in {} ms", path, copied, (System.nanoTime() - start) / 1_000_000);
  }

  private Connection open(boolean readOnly) throws SQLException {
    java.util.Properties properties = new java.util.Properties();
    // Otherwise the driver runs (and prepares anew) "SELECT last_insert_rowid()" after every INSERT, in case
    // getGeneratedKeys() is called: that doubled the statements per ingested event. Nothing here uses it.
    properties.setProperty("jdbc.get_generated_keys", "false");
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), properties);
    try (Statement st = c.createStatement()) {
      st.executeUpdate("PRAGMA busy_timeout=10000");
      st.executeUpdate(fsyncEachCommit ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
      st.executeUpdate("PRAGMA temp_store=MEMORY");
      if (readOnly) {
        st.executeUpdate("PRAGMA query_only=1");
      } else {
        // Random UUID keys touch index pages all over the file; a larger page cache keeps inserts off the disk.
        st.executeUpdate("PRAGMA cache_size=-32768");
        // The checkpointer thread copies the WAL into the database (and fsyncs it) after commits, so a commit only
        // appends to the WAL. The writer still checkpoints itself if the WAL grows past ~40 MB.
        st.executeUpdate("PRAGMA wal_autocheckpoint=" + (BACKGROUND_CHECKPOINTS ? 10_000 : 1_000));
      }
    }
    return c;
  }

  private static final boolean BACKGROUND_CHECKPOINTS =
      !Boolean.getBoolean("insidellm.collector.foregroundCheckpoints");

  /**
   * Runs passive checkpoints (which never block the writer or readers) after every few commits and once a second
   * while there were any. Durability does not depend on it: a commit is in the WAL before it is acknowledged.
   */
  private void checkpointLoop() {
    Connection c = java.util.Objects.requireNonNull(checkpointConnection);
    while (!closing) {
      java.util.concurrent.locks.LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
      if (closing || commitsSinceCheckpoint.getAndSet(0) == 0) {
        continue;
      }
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(PASSIVE)");
      } catch (SQLException e) {
        LOG.debug("background checkpoint failed; the writer checkpoints when the WAL grows", e);
      }
    }
  }

  /** The database file. */
  public Path path() {
    return path;
  }

  /**
   * Writes events in the next transaction and returns once it has committed. The returned future is already
   * complete: normally, or exceptionally if the transaction failed or the store is overloaded or closed.
   */
  public CompletableFuture<WriteOutcome> write(List<StoredEvent> events) {
    CompletableFuture<WriteOutcome> result = new CompletableFuture<>();
    if (events.isEmpty()) {
      result.complete(new WriteOutcome(0, List.of()));
      return result;
    }
    if (closing) {
      result.completeExceptionally(new IllegalStateException("the collector is shutting down"));
      return result;
    }
    if (pendingEvents.addAndGet(events.size()) > MAX_PENDING_EVENTS) {
      pendingEvents.addAndGet(-events.size());
      result.completeExceptionally(new StoreBusyException("too many events waiting to be written"));
      return result;
    }
    pending.add(new WriteRequest(events, result));
    try {
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
              writeDone.wait(1000);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // Still queued: the next writer commits it, but this caller gets no acknowledgement.
      result.completeExceptionally(e);
    }
    return result;
  }

  /** Takes what is queued (up to a transaction's worth) and writes it; called with the write lock held. */
  private void writePending() {
    if (closed) {
      failAll(new IllegalStateException("the collector is shutting down"));
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

  /** The highest sequence number that is committed and visible to readers. */
  public long committedSeq() {
    synchronized (seqLock) {
      return committedSeq;
    }
  }

  /**
   * Waits until events newer than {@code seq} are committed or the timeout passes; returns the committed sequence.
   */
  public long awaitNewerThan(long seq, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (seqLock) {
      while (committedSeq <= seq && !closing) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          break;
        }
        seqLock.wait(left);
      }
      return committedSeq;
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
        RunDelta d = entry.getValue();
        upsertRun.setString(1, entry.getKey());
        upsertRun.setString(2, d.userId);
        upsertRun.setLong(3, d.firstTs);
        upsertRun.setLong(4, d.lastTs);
        upsertRun.setLong(5, d.events);
        upsertRun.setLong(6, d.llmCalls);
        upsertRun.setLong(7, d.tokens);
        upsertRun.setDouble(8, d.cost);
        upsertRun.setLong(9, d.errors);
        upsertRun.setInt(10, d.ended ? 1 : 0);
        upsertRun.executeUpdate();
        for (String model : d.models) {
          insertModel.setString(1, entry.getKey());
          insertModel.setString(2, model);
          insertModel.executeUpdate();
        }
      }
      writeConnection.commit();
      if (checkpointer != null && commitsSinceCheckpoint.incrementAndGet() >= COMMITS_PER_CHECKPOINT) {
        java.util.concurrent.locks.LockSupport.unpark(checkpointer);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.error("writing {} ingest requests failed; they are answered with an error", batch.size(), e);
      nextSeq = seqBefore;
      try {
        writeConnection.rollback();
      } catch (SQLException rollbackFailure) {
        e.addSuppressed(rollbackFailure);
      }
      for (WriteRequest r : batch) {
        r.result().completeExceptionally(e);
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).result().complete(outcomes.get(i));
    }
    if (nextSeq != seqBefore) {
      synchronized (seqLock) {
        committedSeq = nextSeq - 1;
        seqLock.notifyAll();
      }
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
  }

  private static void setNullable(PreparedStatement st, int index, @Nullable String value) throws SQLException {
    if (value == null) {
      st.setNull(index, Types.NULL);
    } else {
      st.setString(index, value);
    }
  }

  private static void setNullable(PreparedStatement st, int index, @Nullable Long value) throws SQLException {
    if (value == null) {
      st.setNull(index, Types.NULL);
    } else {
      st.setLong(index, value);
    }
  }

  private static void setNullable(PreparedStatement st, int index, @Nullable Double value) throws SQLException {
    if (value == null) {
      st.setNull(index, Types.NULL);
    } else {
      st.setDouble(index, value);
    }
  }

  /** Per-run sums of one transaction, folded into the runs table with one upsert per run. */
  private static final class RunDelta {
    final String userId;
    long firstTs = Long.MAX_VALUE;
    long lastTs = Long.MIN_VALUE;
    long events;
    long llmCalls;
    long tokens;
    double cost;
    long errors;
    boolean ended;
    final Set<String> models = new LinkedHashSet<>();

    RunDelta(String userId) {
      this.userId = userId;
    }

    void add(StoredEvent e) {
      firstTs = Math.min(firstTs, e.timestampMicros());
      lastTs = Math.max(lastTs, e.timestampMicros());
      events++;
      if (e.eventType().equals("llm.response")) {
        llmCalls++;
      }
      if (e.totalTokens() != null) {
        tokens += e.totalTokens();
      }
      if (e.cost() != null) {
        cost += e.cost();
      }
      if (e.error()) {
        errors++;
      }
      if (e.eventType().equals("run.end")) {
        ended = true;
      }
      if (e.model() != null) {
        models.add(e.model());
      }
    }
  }

  /** Deletes events older than the retention period; runs hourly on its own thread, holding the write lock. */
  void applyRetention() {
    if (retention == null) {
      return;
    }
    writeLock.lock();
    try {
      if (!closed) {
        deleteOlderThan((clock.millis() - retention.toMillis()) * 1000);
      }
    } finally {
      writeLock.unlock();
    }
  }

  private void deleteOlderThan(long cutoffMicros) {
    Duration retention = java.util.Objects.requireNonNull(this.retention);
    try (PreparedStatement meta = writeConnection.prepareStatement(
            "INSERT INTO meta(key, value) VALUES ('last_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        PreparedStatement events = writeConnection.prepareStatement("DELETE FROM events WHERE ts < ?");
        PreparedStatement models = writeConnection.prepareStatement(
            "DELETE FROM run_models WHERE run_id IN (SELECT run_id FROM runs WHERE last_ts < ?)");
        PreparedStatement runs = writeConnection.prepareStatement("DELETE FROM runs WHERE last_ts < ?")) {
      // Sequence numbers must never be reused, or a live-tail client resuming from one would skip events.
      meta.setString(1, Long.toString(nextSeq - 1));
      meta.executeUpdate();
      events.setLong(1, cutoffMicros);
      int deleted = events.executeUpdate();
      models.setLong(1, cutoffMicros);
      models.executeUpdate();
      runs.setLong(1, cutoffMicros);
      runs.executeUpdate();
      writeConnection.commit();
      if (deleted > 0) {
        LOG.info("retention: deleted {} events older than {} days", deleted, retention.toDays());
      }
    } catch (SQLException e) {
      LOG.warn("retention clean-up failed", e);
      try {
        writeConnection.rollback();
      } catch (SQLException ignored) {
        // the next attempt starts a fresh transaction anyway
      }
    }
  }

  /** Work done with a borrowed read connection. */
  @FunctionalInterface
  public interface ReadWork<T> {
    /** Runs the queries. */
    T apply(Connection connection) throws SQLException;
  }

  /** Runs {@code work} on a pooled read-only connection. */
  public <T> T read(ReadWork<T> work) throws SQLException {
    Connection c;
    try {
      c = readConnections.poll(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a read connection", e);
    }
    if (c == null) {
      throw new SQLException("no read connection free after 10 s");
    }
    try {
      return work.apply(c);
    } finally {
      readConnections.add(c);
    }
  }

  /** Stops accepting writes, commits what is already queued, and closes the database. Idempotent. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
    if (checkpointer != null) {
      java.util.concurrent.locks.LockSupport.unpark(checkpointer);
      try {
        checkpointer.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (checkpointConnection != null) {
      closeQuietly(checkpointConnection);
    }
    synchronized (seqLock) {
      seqLock.notifyAll();
    }
    writeLock.lock();
    try {
      while (!pending.isEmpty()) {
        writePending();
      }
      closed = true;
      closeQuietly(writeConnection);
    } finally {
      writeLock.unlock();
    }
    synchronized (writeDone) {
      writeDone.notifyAll();
    }
    Connection c;
    while ((c = readConnections.poll()) != null) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("closing a connection failed", e);
    }
  }

  /** Thrown when ingest outpaces the writer for longer than the queue can absorb. */
  public static final class StoreBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreBusyException(String message) {
      super(message);
    }
  }
}
