/**
 * The InsideLLM local collector: an ingestion server speaking the InsideLLM wire protocol, a SQLite event store on
 * the user's machine, a JSON query API, a live tail and a browser viewer. Start it with {@link
 * com.insidellm.collector.CollectorMain} from the command line or embed it with {@link
 * com.insidellm.collector.InsideLlmCollector#builder()}.
 *
 * <p>This package is the module's whole public API: {@link com.insidellm.collector.InsideLlmCollector}, {@link
 * com.insidellm.collector.CollectorMain} and {@link com.insidellm.collector.Durability}. Every sub-package is internal
 * and may change in any release: {@code http} (server, routes, live tail, viewer) → {@code ingest} (validation, the
 * one entry for events) and {@code query} (parameters → query objects → JSON) → {@code store} (the storage contract)
 * ← {@code store.sqlite} (its implementation). The package-private {@code Collector} assembles them.
 */
@NullMarked
package com.insidellm.collector;

import org.jspecify.annotations.NullMarked;
