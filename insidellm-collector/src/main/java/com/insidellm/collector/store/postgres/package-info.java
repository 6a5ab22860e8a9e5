/**
 * The PostgreSQL implementation of {@link com.insidellm.collector.store.Store}, for several collector instances
 * sharing one database: {@link com.insidellm.collector.store.postgres.PostgresUrl the URL and credentials}, {@link
 * com.insidellm.collector.store.postgres.Migrations versioned migrations} applied under an advisory lock, the {@link
 * com.insidellm.collector.store.postgres.PgWriter writer} (group commit, one global commit order), {@link
 * com.insidellm.collector.store.postgres.Partitions daily partitions} that retention drops, the {@link
 * com.insidellm.collector.store.postgres.SharedSequence live-tail sequence} fed by local commits, the fan-out and
 * polling, and the reads ({@link com.insidellm.collector.store.postgres.PgReads}, {@link
 * com.insidellm.collector.store.postgres.PgAggregates}). Internal: not a public API, may change in any release, and no
 * other module may use it.
 */
@NullMarked
package com.insidellm.collector.store.postgres;

import org.jspecify.annotations.NullMarked;
