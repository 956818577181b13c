package dev.lto.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as RFC 9457 problems, like every other LTO error. A 401 says the same whether the key was
 * missing, unknown, revoked or expired (no hint for someone trying keys); the problem never echoes the
 * key, nor the query string (which may hold a WebSocket ticket).
 */
final class AuthProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final URI UNAUTHORIZED = URI.create("https://lto.dev/problems/unauthorized");
    static final URI FORBIDDEN = URI.create("https://lto.dev/problems/forbidden");
    static final URI UNAVAILABLE = URI.create("https://lto.dev/problems/unavailable");

    private final JsonMapper json;
    private final boolean metricsRequireKey;

    AuthProblems(JsonMapper json, boolean metricsRequireKey) {
        this.json = json;
        this.metricsRequireKey = metricsRequireKey;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"lto\"");
        write(request, response, HttpStatus.UNAUTHORIZED, UNAUTHORIZED, "Unauthorized",
                "a valid API key is required: send it as X-API-Key or Authorization: Bearer (docs/security.md)");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        String has = Caller.current().map(c -> c.role().wireName()).orElse("none");
        String needs = needed(request);
        write(request, response, HttpStatus.FORBIDDEN, FORBIDDEN, "Forbidden",
                needs == null ? "no API key may call " + request.getMethod() + " on this path"
                        : "this endpoint needs the role " + needs + " or higher; the key's role is " + has);
    }

    void unavailable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", "5");
        write(request, response, HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE, "Service unavailable",
                "the key store (Redis) cannot be reached to check the API key; retry later");
    }

    private String needed(HttpServletRequest request) {
        for (EndpointRoles.Rule r : EndpointRoles.RULES) {
            if ((r.method() == null || r.method().matches(request.getMethod())) && SecurityConfiguration.matcher(r).matches(request)) {
                return r.role() == null ? (metricsRequireKey && EndpointRoles.PROMETHEUS.equals(r.pattern()) ? "viewer" : null)
                        : r.role().wireName();
            }
        }
        return null;
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, URI type, String title,
                       String detail) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.toString());
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
