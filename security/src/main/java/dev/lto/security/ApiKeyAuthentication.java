package dev.lto.security;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A verified key: the principal is the {@link Caller}, its name the key id; the key itself is not kept. */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;

    ApiKeyAuthentication(Caller caller) {
        super(caller.role().authorities());
        this.caller = caller;
        setAuthenticated(true);
    }

    Caller caller() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.keyId();
    }
}
