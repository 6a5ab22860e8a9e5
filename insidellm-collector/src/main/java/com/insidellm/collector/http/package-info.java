/**
 * The HTTP side: {@link com.insidellm.collector.http.CollectorServer} (the JDK server, thread pools, routing with
 * {@link com.insidellm.collector.http.Guard guards}), and the endpoints — ingest, the query API and {@code /health},
 * the live tail (Server-Sent Events), the viewer's static files with its token — plus the {@link
 * com.insidellm.collector.http.Access access policy}. Depends on {@code ingest} and {@code query}, never on a store
 * implementation. Internal: not a public API, may change in any release, and no other module may use it.
 */
@NullMarked
package com.insidellm.collector.http;

import org.jspecify.annotations.NullMarked;
