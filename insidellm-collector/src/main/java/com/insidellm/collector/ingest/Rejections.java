package com.insidellm.collector.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the events the collector refused and logs them, throttled: the first rejection at once with its reason, then
 * at most one aggregated WARN per interval ("rejected 1,204 events since last report; last: ..."), so that a
 * misbehaving client cannot flood the log yet an operator always learns that something is being refused and why.
 * The count and the last reason are shown by {@code /health} and the viewer. Internal. Thread-safe.
 */
public final class Rejections {

    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);
    static final Duration REPORT_INTERVAL = Duration.ofSeconds(30);

    private final LongSupplier nanoTime;
    private final AtomicLong total = new AtomicLong();
    private final Object lock = new Object();
    private volatile @Nullable String last;
    private long sinceReport;
    private long lastReportNanos;
    private boolean reported;

    /** Creates a counter reading time from {@code nanoTime} (injected so that the throttle is testable). */
    public Rejections(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Counts and (throttled) logs the rejections of one batch; returns whether it logged a report now. */
    public boolean record(List<Ingestor.Rejection> rejected) {
        if (rejected.isEmpty()) {
            return false;
        }
        total.addAndGet(rejected.size());
        Ingestor.Rejection example = rejected.get(rejected.size() - 1);
        String described = describe(example);
        last = described;
        long now = nanoTime.getAsLong();
        long count;
        synchronized (lock) {
            sinceReport += rejected.size();
            if (reported && now - lastReportNanos < REPORT_INTERVAL.toNanos()) {
                return false;
            }
            reported = true;
            lastReportNanos = now;
            count = sinceReport;
            sinceReport = 0;
        }
        LOG.warn("rejected {} events since last report; last: {}", count, described);
        return true;
    }

    private static String describe(Ingestor.Rejection r) {
        return "event " + (r.eventId() == null ? "#" + r.index() : r.eventId()) + ": " + r.reason();
    }

    /** Events rejected since the collector started. */
    public long count() {
        return total.get();
    }

    /** The last rejection, naming the event and the reason, or {@code null} if nothing was rejected. */
    public @Nullable String last() {
        return last;
    }
}
