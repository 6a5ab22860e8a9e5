package com.insidellm.spring;

import com.insidellm.InsideLlmClient;

/**
 * Customises the {@link InsideLlmClient.Builder} of the auto-configured client, for settings that have no
 * {@code insidellm.*} property (an {@code OkHttpClient}, a delivery listener, ...). Customisers run in
 * {@link org.springframework.core.annotation.Order order}, after the properties are applied.
 *
 * <pre>{@code
 * @Bean
 * InsideLlmClientCustomizer proxy(OkHttpClient httpClient) {
 *     return builder -> builder.httpClient(httpClient);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface InsideLlmClientCustomizer {

    /** Customises the builder. */
    void customize(InsideLlmClient.Builder builder);
}
