package dev.lto.security;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * What a key may do, each role including every role below it: viewer (read) &lt; submitter (submit,
 * ingest, cancel) &lt; engineer (reviews, alert ack/feedback, predict) &lt; admin (models, keys).
 */
public enum Role {
    VIEWER, SUBMITTER, ENGINEER, ADMIN;

    /** The lower-case name used in keys, the admin API, docs and problems. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    /**
     * {@code ROLE_X} for this role and every role it includes: the hierarchy is granted explicitly, so
     * {@code request.isUserInRole("VIEWER")} is true for an admin without a RoleHierarchy bean.
     */
    List<GrantedAuthority> authorities() {
        return Arrays.stream(values()).filter(this::includes)
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList();
    }

    /** @throws IllegalArgumentException for anything but viewer, submitter, engineer, admin (any case) */
    public static Role of(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
