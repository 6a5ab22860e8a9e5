/** The Spring AI example: a {@code ChatClient} with tools and chat memory, recorded by the InsideLLM starter. */
@NullMarked
package com.insidellm.examples.springai;

import org.jspecify.annotations.NullMarked;
