/** {@link com.insidellm.examples.spring.SpringBootAgent}: a Spring Boot application recorded by the starter. */
@NullMarked
package com.insidellm.examples.spring;

import org.jspecify.annotations.NullMarked;
