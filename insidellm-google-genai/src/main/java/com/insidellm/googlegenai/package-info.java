/** Placeholder. */
@NullMarked
package com.insidellm.googlegenai;

import org.jspecify.annotations.NullMarked;
