package com.insidellm.collector.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention on PostgreSQL: drops the daily partitions that lie wholly before the cut-off (so events are kept up to a
 * day longer than the retention, never less) with their tags, and deletes the runs that ended before it. Internal.
 * Thread-safe (each call works in its own transaction under the global write lock).
 */
final class PgRetention {

    private static final Logger LOG = LoggerFactory.getLogger(PgRetention.class);

    private final DataSource pool;
    private final Partitions partitions;
    private final Clock clock;
    private final Duration retention;

    PgRetention(DataSource pool, Partitions partitions, Clock clock, Duration retention) {
        this.pool = pool;
        this.partitions = partitions;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * Applies the retention once. Takes the global write lock, so it never interleaves with an ingest transaction nor
     * with another instance's clean-up (which then finds it done). A failure is logged, not thrown: the next hourly
     * round tries again.
     */
    void apply() {
        long cutoff = (clock.millis() - retention.toMillis()) * 1000;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement();
                    PreparedStatement models = c.prepareStatement("DELETE FROM run_models WHERE run_id IN"
                            + " (SELECT run_id FROM runs WHERE last_ts < ?)");
                    PreparedStatement runs = c.prepareStatement("DELETE FROM runs WHERE last_ts < ?");
                    PreparedStatement tags = c.prepareStatement("DELETE FROM event_tags WHERE ts < ?")) {
                st.execute("SELECT last_seq FROM insidellm_live WHERE id = 1 FOR UPDATE");
                int dropped = partitions.dropBefore(c, cutoff);
                // Tags of the events just dropped: whole days, as the partitions went.
                tags.setLong(1, Math.floorDiv(cutoff, Partitions.DAY_MICROS) * Partitions.DAY_MICROS);
                tags.executeUpdate();
                models.setLong(1, cutoff);
                models.executeUpdate();
                runs.setLong(1, cutoff);
                int deletedRuns = runs.executeUpdate();
                c.commit();
                if (dropped > 0 || deletedRuns > 0) {
                    LOG.info("retention: dropped {} daily partitions and {} runs older than {} days", dropped,
                            deletedRuns, retention.toDays());
                }
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            partitions.forget();
            LOG.warn("retention clean-up failed", e);
        }
    }
}
