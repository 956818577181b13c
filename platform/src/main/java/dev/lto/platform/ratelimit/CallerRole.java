package dev.lto.platform.ratelimit;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;

/**
 * The role whose limits apply to a request, read through the servlet API only ({@link HttpServletRequest#isUserInRole}),
 * so it is whatever the authentication in front of this filter (Spring Security's API keys) decided. A caller with
 * several roles gets the limits of the highest. {@link #ANONYMOUS}: no authenticated principal, i.e. authentication
 * is off ({@code LTO_AUTH=off}) or the path is one that needs no key.
 */
enum CallerRole {
    ADMIN, ENGINEER, SUBMITTER, VIEWER, ANONYMOUS;

    static CallerRole of(HttpServletRequest request) {
        if (request.getUserPrincipal() == null) {
            return ANONYMOUS;
        }
        for (CallerRole role : values()) {
            if (role != ANONYMOUS && request.isUserInRole(role.name())) {
                return role;
            }
        }
        // Authenticated but with none of LTO's roles: the least privileged budget.
        return VIEWER;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
