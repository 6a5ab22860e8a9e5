/** Records the generateContent calls of the Google Gen AI Java SDK: see {@link com.insidellm.googlegenai.InsideLlmGenAI}. */
@NullMarked
package com.insidellm.googlegenai;

import org.jspecify.annotations.NullMarked;
