package dev.lto.security;

import java.net.http.HttpRequest;

/**
 * The key this service sends when it calls another LTO service (action-service asks intelligence for
 * simulator health and tradeoff trends). The key registry mints it at start (role viewer, owner the
 * service's name) and revokes the previous one; with auth off it stays empty and calls go without one.
 */
public final class ServiceKey {

    private volatile String key;

    public void set(String key) {
        this.key = key;
    }

    /** The request with {@code X-API-Key} added when this service holds a key. */
    public HttpRequest.Builder sign(HttpRequest.Builder request) {
        String k = key;
        return k == null ? request : request.header(ApiKeyFilter.HEADER, k);
    }
}
