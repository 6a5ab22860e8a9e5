package com.insidellm.spring;

import org.jspecify.annotations.Nullable;

/**
 * Tells the starter who the current user is, for the {@code user_id} of events recorded by annotated methods that
 * are not inside a run and have no {@code userId} expression.
 *
 * <p>The default resolver returns the name of the authenticated Spring Security principal when Spring Security is
 * present; when it returns {@code null}, {@code insidellm.default-user-id} is used. Declare a bean to replace it:
 *
 * <pre>{@code
 * @Bean
 * InsideLlmUserResolver userResolver(TenantContext tenant) {
 *     return () -> tenant.currentUserId();
 * }
 * }</pre>
 *
 * <p>Called on the thread that calls the annotated method; implementations must be thread-safe.
 */
@FunctionalInterface
public interface InsideLlmUserResolver {

    /** The current user's id, or {@code null} when unknown. */
    @Nullable String currentUserId();
}
