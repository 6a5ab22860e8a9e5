package com.insidellm.collector.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes events and runs older than the retention period, hourly on its own thread. Internal. Thread-safe. */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Duration retention;
    private final Clock clock;
    private final GroupCommitWriter writer;
    private final ScheduledExecutorService scheduler;

    Retention(Duration retention, Clock clock, GroupCommitWriter writer) {
        this.retention = retention;
        this.clock = clock;
        this.writer = writer;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "insidellm-collector-retention");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            t.setUncaughtExceptionHandler((th, e) -> LOG.error("retention thread failed", e));
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::apply, 0, 1, TimeUnit.HOURS);
    }

    /** Deletes what is older than the retention now, in the writer's place. */
    void apply() {
        long cutoffMicros = (clock.millis() - retention.toMillis()) * 1000;
        try {
            writer.exclusive((c, lastSeq) -> {
                try (PreparedStatement meta = c.prepareStatement("INSERT INTO meta(key, value) VALUES ('last_seq', ?)"
                                + " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
                        PreparedStatement events = c.prepareStatement("DELETE FROM events WHERE ts < ?");
                        PreparedStatement tags = c.prepareStatement("DELETE FROM event_tags WHERE ts < ?");
                        PreparedStatement models = c.prepareStatement(
                                "DELETE FROM run_models WHERE run_id IN (SELECT run_id FROM runs WHERE last_ts < ?)");
                        PreparedStatement runs = c.prepareStatement("DELETE FROM runs WHERE last_ts < ?")) {
                    // Sequence numbers must never be reused, or a live-tail client resuming from one would skip events.
                    meta.setString(1, Long.toString(lastSeq));
                    meta.executeUpdate();
                    events.setLong(1, cutoffMicros);
                    int deleted = events.executeUpdate();
                    tags.setLong(1, cutoffMicros);
                    tags.executeUpdate();
                    models.setLong(1, cutoffMicros);
                    models.executeUpdate();
                    runs.setLong(1, cutoffMicros);
                    runs.executeUpdate();
                    c.commit();
                    if (deleted > 0) {
                        LOG.info("retention: deleted {} events older than {} days", deleted, retention.toDays());
                    }
                } catch (SQLException e) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the next attempt starts a fresh transaction anyway
                    }
                    throw e;
                }
            });
        } catch (SQLException e) {
            LOG.warn("retention clean-up failed", e);
        }
    }

    void close() {
        scheduler.shutdownNow();
    }
}
