package com.insidellm.collector.store.postgres;

import com.insidellm.collector.store.Store.WriteOutcome;
import com.insidellm.collector.store.StoreBusyException;
import com.insidellm.collector.store.StoreException;
import com.insidellm.collector.store.StoredEvent;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's writer: one thread that takes every queued ingest request, writes them in one transaction and
 * completes them only after the commit (group commit), through {@link PgBatchWriter}. A request that finds no other
 * waiting and no write under way is written by its own thread (with whatever queued meanwhile), sparing the two
 * thread hand-overs that a single client pays on every batch otherwise. The transaction's statement
 * locks the single {@code insidellm_live} row, stores the events that are not duplicates with the next sequence
 * numbers, folds them into their runs and advances the sequence ({@link PgIngestSql}). The row lock orders all
 * instances' commits, so sequence numbers are committed in the order they are assigned, and is held only for that
 * statement and the commit. Internal. Thread-safe.
 */
final class PgWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgWriter.class);

    /** Most events in one transaction: bounds the statement size and the time the global lock is held. */
    static final int MAX_EVENTS_PER_TRANSACTION = 10_000;
    /** Most events queued before ingest answers 503, bounding memory when the database cannot keep up. */
    static final int MAX_PENDING_EVENTS = 200_000;

    private record Request(List<StoredEvent> events, CompletableFuture<WriteOutcome> result) {}

    private final PgBatchWriter batches;
    private final SharedSequence sequence;
    private final LongConsumer committed;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pendingEvents = new AtomicInteger();
    private final Thread thread;
    /** Held while a batch is written, by the writer thread or by a request's own thread: one write at a time. */
    private final ReentrantLock writing = new ReentrantLock();
    private volatile boolean closing;

    /**
     * Starts the writer thread. {@code committed} hears the new highest sequence number after each commit that stored
     * something (the fan-out publishes it).
     */
    PgWriter(DataSource pool, Partitions partitions, SharedSequence sequence, LongConsumer committed, Clock clock) {
        this.batches = new PgBatchWriter(pool, partitions, clock);
        this.sequence = sequence;
        this.committed = committed;
        this.thread = new Thread(this::run, "insidellm-collector-pg-writer");
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("the PostgreSQL writer thread failed", e));
        thread.start();
    }

    /** Queues {@code events} for the next transaction and returns once it has committed. */
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
        Request request = new Request(events, new CompletableFuture<>());
        if (queue.isEmpty() && writing.tryLock()) {
            try {
                List<Request> batch = new ArrayList<>();
                batch.add(request);
                drainInto(batch, events.size());
                writeBatch(batch);
            } finally {
                writing.unlock();
            }
        } else {
            queue.add(request);
        }
        try {
            return request.result().get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("writing events failed: " + cause, cause);
        }
    }

    private void run() {
        while (true) {
            Request first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closing && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            List<Request> batch = new ArrayList<>();
            batch.add(first);
            writing.lock();
            try {
                drainInto(batch, first.events().size());
                writeBatch(batch);
            } finally {
                writing.unlock();
            }
        }
    }

    /** Adds queued requests to {@code batch} (which holds {@code events} events) up to the transaction's limit. */
    private void drainInto(List<Request> batch, int events) {
        Request next;
        while (events < MAX_EVENTS_PER_TRANSACTION && (next = queue.poll()) != null) {
            batch.add(next);
            events += next.events().size();
        }
    }

    private void writeBatch(List<Request> batch) {
        List<StoredEvent> all = new ArrayList<>();
        for (Request r : batch) {
            all.addAll(r.events());
        }
        pendingEvents.addAndGet(-all.size());
        PgBatchWriter.Written written;
        try {
            written = batches.write(all);
        } catch (SQLException | RuntimeException e) {
            LOG.error("writing {} ingest requests ({} events) failed; they are answered with an error", batch.size(),
                    all.size(), e);
            StoreException failure = new StoreException("writing events failed: " + e.getMessage(), e);
            batch.forEach(r -> r.result().completeExceptionally(failure));
            return;
        }
        if (written.lastSeq() > 0) {
            // Before the acknowledgements: a client that got its answer finds its events in committedSeq().
            sequence.advanceTo(written.lastSeq());
            committed.accept(written.lastSeq());
        }
        int offset = 0;
        for (Request r : batch) {
            int accepted = 0;
            List<Integer> duplicates = new ArrayList<>();
            for (int i = 0; i < r.events().size(); i++) {
                if (written.stored()[offset + i]) {
                    accepted++;
                } else {
                    duplicates.add(i);
                }
            }
            offset += r.events().size();
            r.result().complete(new WriteOutcome(accepted, duplicates));
        }
    }

    /** Stops accepting writes, writes what is queued, and stops the thread (waiting up to 10 s). */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Request r;
        while ((r = queue.poll()) != null) {
            r.result().completeExceptionally(new StoreException("the collector is shutting down"));
        }
    }
}
