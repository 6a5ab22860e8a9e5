/**
 * Implementation of the collector: validation, storage, HTTP handlers. Internal: not a public API, may change in any
 * release, and no other module may use it.
 */
@NullMarked
package com.insidellm.collector.internal;

import org.jspecify.annotations.NullMarked;
