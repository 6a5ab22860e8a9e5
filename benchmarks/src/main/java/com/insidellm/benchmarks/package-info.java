/**
 * JMH benchmarks of the InsideLLM client against the tools a user would pick instead: the caller cost of recording
 * one event, delivery throughput to a local server, and the overhead of the integrations. Not released.
 */
@NullMarked
package com.insidellm.benchmarks;

import org.jspecify.annotations.NullMarked;
