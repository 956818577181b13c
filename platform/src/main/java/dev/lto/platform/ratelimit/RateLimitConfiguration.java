package dev.lto.platform.ratelimit;

import dev.lto.platform.metrics.MetersByKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/** Rate limits for every LTO web service with a Redis connection (all three): {@link RateLimitFilter}. */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(LettuceConnectionFactory.class)
@ConditionalOnProperty(prefix = "lto.rate-limit", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(RateLimitProperties.class)
public class RateLimitConfiguration {

    /**
     * After Spring Security's filter chain, which Boot registers at {@code SecurityProperties.DEFAULT_FILTER_ORDER}
     * (-100): the limiter reads the caller (principal, roles) that authentication put on the request, and a request
     * without a valid key is refused (401) before it can spend anyone's budget. Inside the API request timer and the
     * body limit (both near {@code HIGHEST_PRECEDENCE}), so that a 429 is timed like any other answer.
     */
    static final int ORDER = 0;

    static final String REJECTED = "lto.rate.limit.rejected";
    static final String UNCHECKED = "lto.rate.limit.unchecked";

    @Bean(destroyMethod = "close")
    RedisTokenBuckets rateLimitBuckets(LettuceConnectionFactory redis, RateLimitProperties properties,
            ObjectProvider<MeterRegistry> meters) {
        MetersByKey<Counter> counters = new MetersByKey<>(meters);
        return new RedisTokenBuckets(redis::getRequiredNativeClient, properties.redisTimeout(), properties.failOpenFor(),
                () -> {
                    Counter unchecked = counters.get(UNCHECKED, registry -> Counter.builder(UNCHECKED).description(
                            "Requests let through without a rate-limit check because Redis did not answer in time (fail open)")
                            .register(registry));
                    if (unchecked != null) {
                        unchecked.increment();
                    }
                });
    }

    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimitProperties properties, RedisTokenBuckets buckets,
            JsonMapper json, ObjectProvider<MeterRegistry> meters) {
        MetersByKey<Counter> counters = new MetersByKey<>(meters);
        var filter = new RateLimitFilter(properties, buckets, json, (endpointClass, role) -> {
            Counter rejected = counters.get(endpointClass.label() + "/" + role.label(), registry -> Counter.builder(REJECTED)
                    .description("Requests answered 429 because the caller's budget was spent")
                    .tag("endpoint_class", endpointClass.label()).tag("role", role.label()).register(registry));
            if (rejected != null) {
                rejected.increment();
            }
        });
        var registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(ORDER);
        return registration;
    }
}
