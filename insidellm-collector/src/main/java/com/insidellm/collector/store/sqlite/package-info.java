/**
 * The SQLite implementation of {@link com.insidellm.collector.store.Store}, split by concern: {@link
 * com.insidellm.collector.store.sqlite.SqliteSchema schema and migrations}, the {@link
 * com.insidellm.collector.store.sqlite.GroupCommitWriter writer with group commit}, {@link
 * com.insidellm.collector.store.sqlite.Checkpointer checkpointing}, {@link
 * com.insidellm.collector.store.sqlite.Retention retention}, and the reads ({@link
 * com.insidellm.collector.store.sqlite.SqliteReads}, {@link com.insidellm.collector.store.sqlite.SqliteAggregates}).
 * Internal: not a public API, may change in any release, and no other module may use it.
 */
@NullMarked
package com.insidellm.collector.store.sqlite;

import org.jspecify.annotations.NullMarked;
