/**
 * Test support for code that records with InsideLLM: {@link com.insidellm.testing.InMemoryEventExporter} keeps
 * what a client exports so a test can assert on it. Use it as a test-scoped dependency.
 */
@NullMarked
package com.insidellm.testing;

import org.jspecify.annotations.NullMarked;
