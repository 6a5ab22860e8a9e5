/**
 * Implementation details of the InsideLLM SDK. Nothing here is public API: it may change in any release, and other
 * modules must not use it.
 */
@NullMarked
package com.insidellm.internal;

import org.jspecify.annotations.NullMarked;
