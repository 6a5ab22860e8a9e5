/** Records the calls of the official OpenAI Java SDK: see {@link com.insidellm.openai.InsideLlmOpenAI}. */
@NullMarked
package com.insidellm.openai;

import org.jspecify.annotations.NullMarked;
