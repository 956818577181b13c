package dev.lto.platform.ratelimit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits ({@code lto.rate-limit.*}, docs/api.md "Rate limits"): one token bucket per caller and
 * {@link EndpointClass}, held in Redis so that every replica of a service draws on the same budget.
 *
 * @param enabled      {@code false} switches the filter off entirely
 * @param classes      the limit of each endpoint class for every role; a class not given keeps its default
 *                     ({@link #DEFAULTS})
 * @param roles        per-role overrides, e.g. {@code lto.rate-limit.roles.viewer.read.capacity=100}; a class a role
 *                     does not list takes the limit in {@code classes}
 * @param redisTimeout how long a request waits for Redis to answer the bucket's update before it is let through
 *                     unchecked (fail open)
 * @param failOpenFor  after Redis failed, how long requests pass unchecked without asking it again, so that a Redis
 *                     outage does not add {@code redisTimeout} to every request
 */
@ConfigurationProperties("lto.rate-limit")
record RateLimitProperties(@DefaultValue("true") boolean enabled, Map<EndpointClass, Limit> classes,
        Map<CallerRole, Map<EndpointClass, Limit>> roles, @DefaultValue("250ms") Duration redisTimeout,
        @DefaultValue("5s") Duration failOpenFor) {

    /**
     * Per caller and class. Generous on purpose: far above what the system tests and the benchmarks drive from one
     * address (the load generator's 100-200 requests/s, campaigns of a few hundred jobs submitted at once), so limits
     * stop a runaway client, not normal work; a site tightens them per role.
     */
    static final Map<EndpointClass, Limit> DEFAULTS = Map.of(
            EndpointClass.SUBMIT, new Limit(2000, 1000, Duration.ofSeconds(1)),
            EndpointClass.PREDICT, new Limit(1000, 500, Duration.ofSeconds(1)),
            EndpointClass.READ, new Limit(4000, 2000, Duration.ofSeconds(1)),
            EndpointClass.WRITE, new Limit(400, 200, Duration.ofSeconds(1)),
            EndpointClass.ADMIN, new Limit(100, 50, Duration.ofSeconds(1)));

    RateLimitProperties {
        Map<EndpointClass, Limit> merged = new EnumMap<>(DEFAULTS);
        if (classes != null) {
            merged.putAll(classes);
        }
        classes = Map.copyOf(merged);
        Map<CallerRole, Map<EndpointClass, Limit>> byRole = new EnumMap<>(CallerRole.class);
        if (roles != null) {
            roles.forEach((role, limits) -> byRole.put(role, limits == null ? Map.of() : Map.copyOf(limits)));
        }
        roles = Map.copyOf(byRole);
        if (redisTimeout.isNegative() || redisTimeout.isZero()) {
            throw new IllegalArgumentException("lto.rate-limit.redis-timeout must be positive, not " + redisTimeout);
        }
    }

    /** The limit of a role for a class: the role's own when configured, else the class's. */
    Limit limitFor(CallerRole role, EndpointClass endpointClass) {
        Limit own = roles.getOrDefault(role, Map.of()).get(endpointClass);
        return own != null ? own : classes.get(endpointClass);
    }

    /**
     * A token bucket: up to {@code capacity} requests at once, refilled with {@code tokens} every {@code period},
     * smoothly (a token every {@code period / tokens}).
     */
    record Limit(long capacity, long tokens, @DefaultValue("1s") Duration period) {

        Limit {
            if (capacity < 1 || tokens < 1 || period == null || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("a rate limit needs capacity >= 1, tokens >= 1 and a positive period, not "
                        + "capacity=" + capacity + ", tokens=" + tokens + ", period=" + period);
            }
        }

        /** Part of the bucket's Redis key, so that a changed limit starts a fresh bucket instead of inheriting the old one. */
        String tag() {
            return capacity + "-" + tokens + "-" + period.toMillis() + "ms";
        }
    }
}
