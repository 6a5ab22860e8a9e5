package com.insidellm.collector.query;

import com.insidellm.collector.store.EventFilter;
import com.insidellm.collector.store.Store;
import com.insidellm.collector.store.Store.EventRow;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One live-tail client's cursor: the events after its last sequence number that match its filter, in commit order.
 * The HTTP layer turns them into Server-Sent Events. Internal. Not thread-safe (one per client).
 */
public final class LiveTail {

    /** Most events handed out per {@link #next()}. */
    static final int PAGE = 500;

    /** One event for the client: its sequence number (the SSE id) and its JSON. */
    public record Item(long seq, String json) {}

    private final Store store;
    private final EventFilter filter;
    private long last;
    private long upTo;

    private LiveTail(Store store, EventFilter filter, long after) {
        this.store = store;
        this.filter = filter;
        this.last = after;
    }

    /**
     * A tail after the client's {@code Last-Event-ID} header, else its {@code after} parameter, else from now, over the
     * event filter parameters of {@link Filters#events(Params)}.
     *
     * @throws Params.BadRequestException if a parameter or the header cannot be understood
     */
    public static LiveTail open(Store store, Params p, @Nullable String lastEventId) {
        EventFilter filter = Filters.events(p);
        Long after;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = Long.parseLong(lastEventId.trim());
            } catch (NumberFormatException e) {
                throw new Params.BadRequestException("Last-Event-ID must be a sequence number, but was " + lastEventId);
            }
        } else {
            after = p.longValue("after");
        }
        return new LiveTail(store, filter, after != null ? after : store.committedSeq());
    }

    /**
     * The next matching events committed so far, at most a page. When fewer than a page come back, the cursor has
     * caught up: call {@link #awaitMore(long)} before asking again.
     */
    public List<Item> next() {
        upTo = store.committedSeq();
        List<EventRow> rows = store.events(filter, last, upTo + 1, PAGE);
        for (EventRow row : rows) {
            last = row.seq();
        }
        if (rows.size() < PAGE) {
            // Nothing else matched up to upTo: skip past it so a narrow filter does not rescan the same rows.
            last = Math.max(last, upTo);
        }
        return rows.stream().map(r -> new Item(r.seq(), r.raw())).toList();
    }

    /** Whether a page was full, so {@link #next()} should be called again at once. */
    public static boolean full(List<Item> page) {
        return page.size() == PAGE;
    }

    /** Waits up to {@code timeoutMillis} for newer events; false when none came (time for a keep-alive). */
    public boolean awaitMore(long timeoutMillis) throws InterruptedException {
        return store.awaitNewerThan(upTo, timeoutMillis) > upTo;
    }
}
