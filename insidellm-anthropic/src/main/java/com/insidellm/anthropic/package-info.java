/** Records the Messages API calls of the official Anthropic Java SDK: see {@link com.insidellm.anthropic.InsideLlmAnthropic}. */
@NullMarked
package com.insidellm.anthropic;

import org.jspecify.annotations.NullMarked;
