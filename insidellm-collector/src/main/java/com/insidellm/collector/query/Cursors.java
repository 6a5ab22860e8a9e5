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
        long[] c = pair(after, "after must be a next_after value from a previous page, but was ");
        return c == null ? null : new RunCursor(c[0], c[1]);
    }

    /** The {@code before} cursor of the event list, or null when absent. */
    static @Nullable TimeCursor eventsBefore(@Nullable String before) {
        long[] c = pair(before, "before must be a cursor such as 1749031200000000:42 (next_before of the previous"
                + " page), but was ");
        return c == null ? null : new TimeCursor(c[0], c[1]);
    }

    /** {@code <micros>:<seq>} as two numbers; null when absent; a bad request, with {@code error} + value, if not. */
    private static long @Nullable [] pair(@Nullable String value, String error) {
        if (value == null) {
            return null;
        }
        int colon = value.indexOf(':');
        try {
            if (colon > 0) {
                return new long[] {Long.parseLong(value.substring(0, colon)),
                        Long.parseLong(value.substring(colon + 1))};
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Params.BadRequestException(error + value);
    }
}
