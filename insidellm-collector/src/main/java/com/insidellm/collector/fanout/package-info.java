/**
 * The live tail's fan-out between collector instances: {@link com.insidellm.collector.fanout.RedisFanout} publishes
 * each instance's newest committed sequence number on Redis pub/sub and hands every instance's news to the store, so
 * SSE clients on any instance wake up for events stored by any other. Redis carries only news; events and their
 * sequence numbers always come from the database. Internal: not a public API, may change in any release, and no other
 * module may use it.
 */
@NullMarked
package com.insidellm.collector.fanout;

import org.jspecify.annotations.NullMarked;
