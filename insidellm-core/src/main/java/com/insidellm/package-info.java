/**
 * InsideLLM for Java: record what LLM and agent applications do, and deliver it to InsideLLM.
 *
 * <p>Start with {@link com.insidellm.InsideLlmClient#builder()}.
 */
@NullMarked
package com.insidellm;

import org.jspecify.annotations.NullMarked;
