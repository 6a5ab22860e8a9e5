package com.insidellm.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The default {@link InsideLlmUserResolver} with Spring Security: the authenticated principal's name. Thread-safe. */
final class SecurityUserResolver implements InsideLlmUserResolver {

    private final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

    @Override
    public @Nullable String currentUserId() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
                || trustResolver.isAnonymous(authentication)) {
            return null;
        }
        String name = authentication.getName();
        return name == null || name.isEmpty() ? null : name;
    }
}
