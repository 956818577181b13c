package dev.lto.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who made the request: the key's id (the principal's name, what rate limits count by), its role and
 * its owner (the person or system the key was issued to: what {@code requested_by},
 * {@code acknowledged_by} and {@code reviewer} record).
 */
public record Caller(String keyId, Role role, String owner) {

    /** The caller of the current request; empty when auth is off ({@code lto.auth.enabled=false}) or for a public endpoint. */
    public static Optional<Caller> current() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a instanceof ApiKeyAuthentication k ? Optional.of(k.caller()) : Optional.empty();
    }

    /**
     * The name a request acts under: the key's owner; the name given in the request only when there is
     * no key (auth off), so a body field never overrides who the key belongs to.
     */
    public static String actingAs(String givenInRequest) {
        return current().map(Caller::owner).orElse(givenInRequest);
    }
}
