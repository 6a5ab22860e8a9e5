/**
 * The storage contract: {@link com.insidellm.collector.store.Store} and the values it takes and returns. Ingest and
 * the query API depend on this package only, never on an implementation; implementations live in sub-packages
 * ({@code sqlite}, later {@code postgres}). Internal: not a public API, may change in any release, and no other module
 * may use it.
 */
@NullMarked
package com.insidellm.collector.store;

import org.jspecify.annotations.NullMarked;
