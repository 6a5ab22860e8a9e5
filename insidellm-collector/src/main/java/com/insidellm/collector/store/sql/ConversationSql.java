package com.insidellm.collector.store.sql;

import com.insidellm.collector.store.ConversationStore.OpenRun;
import com.insidellm.collector.store.ConversationStore.Thread;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's conversation tables ({@code conversation_threads}, {@code conversation_runs}) as both SQL stores read
 * them and bind their writes; only the upserts differ by dialect. Internal; stateless.
 */
public final class ConversationSql {

    private ConversationSql() {}

    /** The newest {@code limit} fingerprints, newest first. */
    public static List<Thread> recentThreads(Connection c, int limit) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT fingerprint, run_id, seen FROM conversation_threads ORDER BY seen DESC, fingerprint LIMIT ?")) {
            st.setInt(1, limit);
            List<Thread> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Thread(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
            return out;
        }
    }

    /** Every open run, by run id. */
    public static List<OpenRun> openRuns(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT run_id, user_id, started, last_active FROM conversation_runs ORDER BY run_id")) {
            List<OpenRun> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new OpenRun(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            return out;
        }
    }

    /**
     * Runs the three batches of a save: {@code upsertThread} takes (fingerprint, run_id, seen), {@code upsertRun}
     * (run_id, user_id, started, last_active), {@code deleteRun} (run_id).
     */
    public static void save(PreparedStatement upsertThread, PreparedStatement upsertRun, PreparedStatement deleteRun,
            Iterable<Thread> threads, Iterable<OpenRun> open, Iterable<String> ended) throws SQLException {
        for (Thread thread : threads) {
            upsertThread.setString(1, text(thread.fingerprint()));
            upsertThread.setString(2, text(thread.runId()));
            upsertThread.setLong(3, thread.atMicros());
            upsertThread.addBatch();
        }
        upsertThread.executeBatch();
        for (OpenRun run : open) {
            upsertRun.setString(1, text(run.runId()));
            upsertRun.setString(2, text(run.userId()));
            upsertRun.setLong(3, run.startedMicros());
            upsertRun.setLong(4, run.lastMicros());
            upsertRun.addBatch();
        }
        upsertRun.executeBatch();
        for (String runId : ended) {
            deleteRun.setString(1, text(runId));
            deleteRun.addBatch();
        }
        deleteRun.executeBatch();
    }

    /** PostgreSQL text cannot hold NUL; such a character is stored as U+FFFD (in both stores, so they agree). */
    private static String text(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace('\0', '\ufffd');
    }
}
