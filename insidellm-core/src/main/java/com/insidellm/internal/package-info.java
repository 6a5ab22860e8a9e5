/**
 * The client's engine. Internal: nothing here is public API, it may change in any release, and other modules must
 * not use it (the few public types are public only so that {@code com.insidellm} can reach them).
 *
 * <p>One event's path: {@link com.insidellm.internal.BatchingClient} accepts it on the caller's thread into the
 * bounded {@link com.insidellm.internal.EventQueue}; the {@link com.insidellm.internal.Flusher} thread drains the
 * queue, runs each event through the {@link com.insidellm.internal.EventPipeline} (processors, serialisation with run
 * metadata from the {@link com.insidellm.internal.RunRegistry}, truncation), cuts batches and hands each to the
 * {@link com.insidellm.internal.Sender} thread, which delivers it to the
 * {@link com.insidellm.internal.Destinations}: one {@link com.insidellm.internal.ExporterDelivery} (retry, circuit
 * breaker, splitting) per exporter. {@link com.insidellm.internal.Accounting} counts what became of every event,
 * {@link com.insidellm.internal.Progress} holds the flush watermarks, {@link com.insidellm.internal.Lifecycle} the
 * close deadline and shutdown hook, and {@link com.insidellm.internal.Settings} the resolved configuration.
 */
@NullMarked
package com.insidellm.internal;

import org.jspecify.annotations.NullMarked;
