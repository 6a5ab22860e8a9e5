package com.insidellm.collector.query;

import com.insidellm.collector.store.Store.RunCursor;
import com.insidellm.collector.store.Store.TimeCursor;
import org.jspecify.annotations.Nullable;

/**
 * The paging cursors of the query API's URL parameters, {@code <micros>:<seq>}: {@code after} in a run's events (a
 * previous page's {@code next_after}) and {@code before} in the event list ({@code next_before}). A malformed cursor
 * is a bad request. Stateless.
 */
final class Cursors {

    private Cursors() {}

    /** The {@code after} cursor of a run's events, or null when absent. */
    static @Nullable RunCursor runAfter(@Nullable String after) {
        if (after == null) {
            return null;
        }
        int colon = after.lastIndexOf(':');
        try {
            if (colon > 0) {
                return new RunCursor(Long.parseLong(after.substring(0, colon)), Long.parseLong(after.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Params.BadRequestException("after must be a next_after value from a previous page, but was " + after);
    }

    /** The {@code before} cursor of the event list, or null when absent. */
    static @Nullable TimeCursor eventsBefore(@Nullable String before) {
        if (before == null) {
            return null;
        }
        int colon = before.indexOf(':');
        try {
            if (colon > 0) {
                return new TimeCursor(Long.parseLong(before.substring(0, colon)), Long.parseLong(before.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Params.BadRequestException("before must be a cursor such as 1749031200000000:42 (next_before of the"
                + " previous page), but was " + before);
    }
}
