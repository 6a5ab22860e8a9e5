/**
 * The query API: request parameters ({@link com.insidellm.collector.query.Params}) become the store's query objects
 * ({@link com.insidellm.collector.query.Filters}), {@link com.insidellm.collector.query.Queries} asks the {@link
 * com.insidellm.collector.store.Store} and writes the JSON answers, and {@link
 * com.insidellm.collector.query.LiveTail} follows new events for the live tail. No SQL here: it lives in the store
 * implementations. Depends on {@code store} (and on {@code ingest} only for the wire time format). Internal: not a
 * public API, may change in any release, and no other module may use it.
 */
@NullMarked
package com.insidellm.collector.query;

import org.jspecify.annotations.NullMarked;
