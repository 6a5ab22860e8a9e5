/**
 * JDBC helpers that both SQL stores ({@code store.sqlite}, {@code store.postgres}) share: binding values, the
 * conditions and row mappings whose SQL is the same in both dialects. Internal: not a public API, may change in any
 * release, and no other module may use it.
 */
@NullMarked
package com.insidellm.collector.store.sql;

import org.jspecify.annotations.NullMarked;
