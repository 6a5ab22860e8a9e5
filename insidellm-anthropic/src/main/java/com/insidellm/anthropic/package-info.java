/** Placeholder. */
@NullMarked
package com.insidellm.anthropic;

import org.jspecify.annotations.NullMarked;
