package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.StoredEvent;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingest transaction: a batch of events stored with {@link PgIngestSql}'s statement, in auto-commit with the
 * batch in array parameters when it is small and its days' partitions are known, else by {@code COPY} into the
 * session's staging table and the statement over it, after creating missing partitions under the global lock.
 * Internal. Used by the writer thread only; not thread-safe.
 */
final class PgBatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(PgBatchWriter.class);

    /** SQLSTATE for "no partition of relation found for row": another instance's retention dropped one we knew. */
    private static final String NO_PARTITION = "23514";
    /** SQLSTATE for a unique violation: the batch holds an event already stored, or one event twice. */
    private static final String UNIQUE_VIOLATION = "23505";

    /**
     * Batches up to this size go in one statement ({@link PgIngestSql#storeInline}); larger ones by COPY, where it is
     * faster. Measured: COPY for a 50-event batch cost PostgreSQL about twice the CPU per event (the staging table's
     * per-transaction work), so small batches stay inline.
     */
    static final int INLINE_MAX_EVENTS = 1000;

    private final DataSource pool;
    private final Partitions partitions;
    private final Clock clock;
    /** Connections (this writer's, from the pool) that already have their staging table. */
    private final Set<PGConnection> withStaging = java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>());

    PgBatchWriter(DataSource pool, Partitions partitions, Clock clock) {
        this.pool = pool;
        this.partitions = partitions;
        this.clock = clock;
    }

    /**
     * Stores {@code events} in one transaction and returns which were new once it has committed; a partition that
     * another instance's retention dropped is created again and the transaction retried once.
     */
    Written write(List<StoredEvent> events) throws SQLException {
        try {
            return deduplicating(events);
        } catch (SQLException e) {
            if (!NO_PARTITION.equals(e.getSQLState())) {
                throw e;
            }
            partitions.forget();
            return deduplicating(events);
        }
    }

    /**
     * Stores the batch with the plain insert first, and when an event was stored already (or comes twice) runs it
     * again skipping those ({@link PgIngestSql#SKIP_STORED}): the failed statement rolled back entirely, sequence
     * included.
     */
    private Written deduplicating(List<StoredEvent> events) throws SQLException {
        try {
            return transaction(events, PgIngestSql.PLAIN);
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            LOG.debug("a batch of {} events holds one already stored; storing it again without those", events.size());
            return transaction(events, PgIngestSql.SKIP_STORED);
        }
    }

    /** Which events were stored (not duplicates), and the highest sequence number committed, 0 if none. */
    record Written(boolean[] stored, long lastSeq) {}

    private Written transaction(List<StoredEvent> events, String onConflict) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (events.size() <= INLINE_MAX_EVENTS && partitions.knowsAll(days(events))) {
                c.setAutoCommit(true);
                return inline(c, events, onConflict);
            }
            c.setAutoCommit(false);
            try {
                Written w = insert(c, events, onConflict);
                c.commit();
                return w;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                    // The rollback may have undone the staging table's creation and new partitions: create them
                    // (IF NOT EXISTS) next time.
                    withStaging.remove(c.unwrap(PGConnection.class));
                    partitions.forget();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
                throw e;
            }
        }
    }

    private static Set<Long> days(List<StoredEvent> events) {
        Set<Long> days = new TreeSet<>();
        for (StoredEvent e : events) {
            days.add(Partitions.day(e.timestampMicros()));
        }
        return days;
    }

    /** Stores a small batch with one statement in auto-commit: it commits when it returns. */
    private Written inline(Connection c, List<StoredEvent> events, String onConflict) throws SQLException {
        int n = events.size();
        Object[][] columns = new Object[PgIngestSql.COLUMNS.length][];
        columns[0] = new Integer[n];
        for (int k = 1; k < PgIngestSql.COLUMNS.length; k++) {
            columns[k] = switch (PgIngestSql.COLUMNS[k][1]) {
                case "int8" -> new Long[n];
                case "float8" -> new Double[n];
                case "bool" -> new Boolean[n];
                default -> new String[n];
            };
        }
        long receivedAt = clock.millis();
        for (int i = 0; i < n; i++) {
            StoredEvent e = events.get(i);
            StoredEvent.Details d = e.details();
            Object[] row = {i + 1, text(e.eventId()), text(e.runId()), text(e.parentEventId()), text(e.eventType()),
                text(e.userId()), e.timestampMicros(), text(e.model()), text(e.provider()), e.promptTokens(),
                e.completionTokens(), e.totalTokens(), e.cost(), e.latencyMs(), e.error(), text(e.rawJson()), receivedAt, text(d.callType()), text(d.traceId()), text(d.name()),
                d.score(), d.timeToFirstTokenMs(), text(d.runName()), text(d.inputText()),
                d.tags().isEmpty() ? null : text(String.join("\u001f", d.tags()))};
            for (int k = 0; k < row.length; k++) {
                columns[k][i] = row[k];
            }
        }
        try (java.sql.PreparedStatement st = c.prepareStatement(PgIngestSql.storeInline(onConflict))) {
            for (int k = 0; k < PgIngestSql.COLUMNS.length; k++) {
                st.setArray(k + 1, c.createArrayOf(PgIngestSql.COLUMNS[k][1], columns[k]));
            }
            try (ResultSet rs = st.executeQuery()) {
                return written(rs, n);
            }
        }
    }

    private static Written written(ResultSet rs, int n) throws SQLException {
        boolean[] stored = new boolean[n];
        long lastSeq = 0;
        while (rs.next()) {
            long seq = rs.getLong(1);
            stored[(int) (seq - rs.getLong(2) - 1)] = true;
            lastSeq = Math.max(lastSeq, seq);
        }
        return new Written(stored, lastSeq);
    }

    private Written insert(Connection c, List<StoredEvent> events, String onConflict) throws SQLException {
        Set<Long> days = days(events);
        if (!partitions.knowsAll(days)) {
            // Rare (a new day): create the partitions under the global lock, so instances never race to create one.
            try (Statement st = c.createStatement()) {
                st.execute("SELECT last_seq FROM insidellm_live WHERE id = 1 FOR UPDATE");
            }
            partitions.ensure(c, days);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        if (!withStaging.contains(pg)) {
            try (Statement st = c.createStatement()) {
                st.execute(PgIngestSql.STAGING_TABLE);
            }
            withStaging.add(pg);
        }
        try {
            pg.getCopyAPI().copyIn(PgIngestSql.COPY_STAGING, new StringReader(copyRows(events, clock.millis())));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(PgIngestSql.storeStaged(onConflict))) {
            return written(rs, events.size());
        }
    }

    /**
     * The batch in COPY's text format, one line per event: its position in the batch (1-based, which becomes the
     * offset of its sequence number), then the columns.
     */
    private static String copyRows(List<StoredEvent> events, long receivedAt) {
        StringBuilder rows = new StringBuilder(events.size() * 1400);
        for (int i = 0; i < events.size(); i++) {
            StoredEvent e = events.get(i);
            rows.append(i + 1).append('\t');
            field(rows, e.eventId()).append('\t');
            field(rows, e.runId()).append('\t');
            field(rows, e.parentEventId()).append('\t');
            field(rows, e.eventType()).append('\t');
            field(rows, e.userId()).append('\t');
            rows.append(e.timestampMicros()).append('\t');
            field(rows, e.model()).append('\t');
            field(rows, e.provider()).append('\t');
            field(rows, e.promptTokens()).append('\t');
            field(rows, e.completionTokens()).append('\t');
            field(rows, e.totalTokens()).append('\t');
            field(rows, e.cost()).append('\t');
            field(rows, e.latencyMs()).append('\t');
            rows.append(e.error() ? 't' : 'f').append('\t');
            field(rows, e.rawJson()).append('\t');
            rows.append(receivedAt).append('\t');
            StoredEvent.Details d = e.details();
            field(rows, d.callType()).append('\t');
            field(rows, d.traceId()).append('\t');
            field(rows, d.name()).append('\t');
            field(rows, d.score()).append('\t');
            field(rows, d.timeToFirstTokenMs()).append('\t');
            field(rows, d.runName()).append('\t');
            field(rows, d.inputText()).append('\t');
            field(rows, d.tags().isEmpty() ? null : String.join("\u001f", d.tags())).append('\n');
        }
        return rows.toString();
    }

    /** Appends a value in COPY's text format: {@code \N} for null, backslash, tab and line breaks escaped. */
    private static StringBuilder field(StringBuilder out, @Nullable Object value) {
        if (value == null) {
            return out.append("\\N");
        }
        if (!(value instanceof String s)) {
            return out.append(value);
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append('\ufffd'); // PostgreSQL text cannot hold NUL
                default -> out.append(ch);
            }
        }
        return out;
    }

    /** PostgreSQL text cannot hold NUL; such a character (legal in JSON) is stored as U+FFFD. */
    static @Nullable String text(@Nullable String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\ufffd');
    }
}
