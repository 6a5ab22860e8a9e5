/**
 * Runnable examples of InsideLLM for Java and the one-command demo ({@link com.insidellm.examples.Demo}). Not
 * published: read them, run them, copy from them.
 */
@NullMarked
package com.insidellm.examples;

import org.jspecify.annotations.NullMarked;
