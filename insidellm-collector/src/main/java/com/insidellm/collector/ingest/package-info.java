/**
 * Ingest: {@link com.insidellm.collector.ingest.EventValidator} checks events against the wire protocol and extracts
 * the columns the store indexes; {@link com.insidellm.collector.ingest.Ingestor} is the one entry point that hands a
 * batch of events to the store; {@link com.insidellm.collector.ingest.Importer} feeds the SDK's local-mode files
 * through it. Depends on {@code store} only. Internal: not a public API, may change in any release, and no other
 * module may use it.
 */
@NullMarked
package com.insidellm.collector.ingest;

import org.jspecify.annotations.NullMarked;
