package com.insidellm.collector.store.sqlite;

/**
 * How errors are counted once per failure (see {@link com.insidellm.collector.store.Store}), as SQL. Internal;
 * stateless.
 */
final class ErrorCounting {

    /**
     * A condition on an error row of the events table ({@code %1$s} is its alias) that holds unless it is an {@code
     * error} event reporting a failure another event reports: its parent failed, or a failed non-{@code error} event
     * has the same parent. The partial index {@code events_parent} and the run index serve the two look-ups.
     */
    static final String COUNTED = "NOT (%1$s.event_type = 'error' AND %1$s.parent_event_id IS NOT NULL AND ("
            + "EXISTS (SELECT 1 FROM events f WHERE f.parent_event_id = %1$s.parent_event_id AND f.is_error = 1"
            + "   AND f.event_type <> 'error' AND f.run_id = %1$s.run_id)"
            + " OR EXISTS (SELECT 1 FROM events f WHERE f.run_id = %1$s.run_id AND f.event_id = %1$s.parent_event_id"
            + "   AND f.is_error = 1)))";

    /** 1 for an error row that counts, else 0 ({@code %1$s} is the events table's alias). */
    static final String COUNTED_ERROR = "(CASE WHEN %1$s.is_error = 0 THEN 0 WHEN " + COUNTED + " THEN 1 ELSE 0 END)";

    private ErrorCounting() {}
}
