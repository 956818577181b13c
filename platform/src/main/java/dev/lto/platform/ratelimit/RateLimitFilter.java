package dev.lto.platform.ratelimit;

import dev.lto.platform.ratelimit.RateLimitProperties.Limit;
import dev.lto.platform.ratelimit.RedisTokenBuckets.Outcome;
import dev.lto.platform.ratelimit.RedisTokenBuckets.Verdict;
import dev.lto.platform.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers {@code 429} with {@code Retry-After} and a {@code rate-limited} problem when the caller has spent its budget
 * for the request's {@link EndpointClass}.
 *
 * <p>The caller is whoever the authentication in front of this filter says, read through the servlet API only: the
 * principal's name ({@link HttpServletRequest#getUserPrincipal()}: the API key's identity) and its role
 * ({@link HttpServletRequest#isUserInRole}). So this filter must run after Spring Security's filter chain (see
 * {@link RateLimitConfiguration}). Without a principal (authentication off, or a path open to all) the caller is the
 * client address, {@link HttpServletRequest#getRemoteAddr()}: behind a proxy that is the proxy's address unless the
 * service trusts forwarded headers ({@code server.forward-headers-strategy}), so all anonymous callers behind one
 * proxy share one budget.
 */
class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimitProperties properties;
    private final RedisTokenBuckets buckets;
    private final JsonMapper json;
    private final BiConsumer<EndpointClass, CallerRole> onRejected;

    RateLimitFilter(RateLimitProperties properties, RedisTokenBuckets buckets, JsonMapper json,
            BiConsumer<EndpointClass, CallerRole> onRejected) {
        this.properties = properties;
        this.buckets = buckets;
        this.json = json;
        this.onRejected = onRejected;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        EndpointClass endpointClass = EndpointClass.of(request.getMethod(), path(request));
        if (endpointClass == null) {
            chain.doFilter(request, response);
            return;
        }
        CallerRole role = CallerRole.of(request);
        Limit limit = properties.limitFor(role, endpointClass);
        Principal principal = request.getUserPrincipal();
        String caller = principal != null ? "key:" + principal.getName() : "addr:" + request.getRemoteAddr();
        Verdict verdict = buckets.take("lto:rate-limit:" + endpointClass.label() + ":" + limit.tag() + ":" + caller, limit);
        if (verdict.outcome() != Outcome.REJECTED) {
            chain.doFilter(request, response);
            return;
        }
        onRejected.accept(endpointClass, role);
        long retryAfter = retryAfterSeconds(verdict.nanosToWait());
        ProblemDetail problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, Problems.RATE_LIMITED, "Too many requests",
                "the " + endpointClass.label() + " rate limit of this caller (" + limit.capacity() + " at once, "
                        + limit.tokens() + " per " + limit.period().toMillis() + " ms) is spent; retry after "
                        + retryAfter + " s");
        // Written as a map: outside Spring MVC no message converter flattens ProblemDetail's properties.
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", request.getRequestURI());
        body.put("endpoint_class", endpointClass.label());
        body.put("retry_after_s", retryAfter);
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }

    /** Whole seconds, rounded up (a client that waits that long finds a token), at least 1. */
    static long retryAfterSeconds(long nanosToWait) {
        return Math.max(1, (nanosToWait + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
    }

    /**
     * The decoded, normalised path the servlet container matched ({@code //api/x} and {@code /api/./x} are
     * {@code /api/x} here), so that a spelling of a path cannot escape its class; the raw URI only when the container
     * gives no servlet path.
     */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? request.getRequestURI().substring(request.getContextPath().length()) : path;
    }
}
