package dev.lto.platform.web;

import dev.lto.platform.metrics.MetersByKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Seed §9 {@code lto_api_request_duration_seconds{endpoint,method}}: the time of every API request,
 * labelled by the route template that handled it ({@code /api/v1/jobs/{jobId}}), never by the raw
 * path, so a label never carries a job id or other client input. A request no controller route
 * matched (404 from the static-resource fallback, or refused before routing, e.g. a body over the
 * limit) is labelled {@value #UNMATCHED}; a method
 * outside the standard set is labelled {@value #OTHER}.
 */
class ApiRequestTimer extends OncePerRequestFilter {

    static final String NAME = "lto.api.request.duration";
    static final String UNMATCHED = "UNMATCHED";
    static final String OTHER = "OTHER";
    /** The static-resource handler's pattern: it "matches" every path no controller did. */
    private static final String CATCH_ALL = "/**";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** Buckets for what the API does: a few ms for reads and submissions, up to seconds for batch predictions. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MetersByKey<Timer> timers;

    ApiRequestTimer(ObjectProvider<MeterRegistry> meters) {
        this.timers = new MetersByKey<>(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            String endpoint = pattern instanceof String p && !CATCH_ALL.equals(p) ? p : UNMATCHED;
            String method = METHODS.contains(request.getMethod()) ? request.getMethod() : OTHER;
            Timer timer = timers.get(method + " " + endpoint, registry -> Timer.builder(NAME)
                    .description("Time to answer an API request, by route template and method")
                    .tag("endpoint", endpoint).tag("method", method).serviceLevelObjectives(BUCKETS).register(registry));
            if (timer != null) {
                timer.record(Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }
}
