package dev.lto.stream.binder.redis.properties;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Binder-wide settings, {@code spring.cloud.stream.redis.binder.*}.
 *
 * @param consumerName base consumer name inside every consumer group; default
 *        {@code <hostname>-<spring.cloud.stream.instance-index>}. With {@code concurrency > 1}
 *        each reader thread appends {@code -<n>}. Must be stable across restarts of the same
 *        instance (so it finds its own pending entries) and unique across live instances.
 * @param shutdownTimeout how long stopping a consumer binding waits for in-flight messages
 * @param operationTimeout timeout for the binder's own non-blocking commands (XACK, XPENDING,
 *        XCLAIM, XGROUP, XINFO, dead-letter XADD)
 * @param metricsRefresh how long gauge values ({@code redis.stream.*}) are cached between
 *        Redis round trips
 * @param commandObservation {@code false} (default): the binder's connections come from a Lettuce
 *        client of its own, built from the application's connection factory settings and sharing
 *        its event loops, without Lettuce command tracing (Spring Boot's per-command Micrometer
 *        observation: {@code lettuce.command} timers, trace spans), command latency recording and
 *        Lettuce's per-command timeout (the binder times its commands itself). {@code true}: the
 *        binder uses the application's Lettuce client as configured, instrumentation included.
 * @param healthTimeout the {@code redisStreamBinder} health check answers within this (PING and the
 *        group figures together); past it the check answers DOWN with the reason instead of waiting
 */
@ConfigurationProperties("spring.cloud.stream.redis.binder")
public record RedisStreamBinderConfigurationProperties(
        String consumerName,
        @DefaultValue("30s") Duration shutdownTimeout,
        @DefaultValue("5s") Duration operationTimeout,
        @DefaultValue("5s") Duration metricsRefresh,
        @DefaultValue("false") boolean commandObservation,
        @DefaultValue("1500ms") Duration healthTimeout) {

    public RedisStreamBinderConfigurationProperties {
        shutdownTimeout = shutdownTimeout != null ? shutdownTimeout : Duration.ofSeconds(30);
        operationTimeout = operationTimeout != null ? operationTimeout : Duration.ofSeconds(5);
        metricsRefresh = metricsRefresh != null ? metricsRefresh : Duration.ofSeconds(5);
        healthTimeout = healthTimeout != null ? healthTimeout : Duration.ofMillis(1500);
    }


    /** All defaults. */
    public static RedisStreamBinderConfigurationProperties defaults() {
        return new RedisStreamBinderConfigurationProperties(null, null, null, null, false, null);
    }
}
