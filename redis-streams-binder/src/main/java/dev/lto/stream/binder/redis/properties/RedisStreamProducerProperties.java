package dev.lto.stream.binder.redis.properties;

import java.time.Duration;

/**
 * Redis-specific producer binding settings,
 * {@code spring.cloud.stream.redis.bindings.<binding>.producer.*} (defaults for all bindings
 * under {@code spring.cloud.stream.redis.default.producer.*}).
 */
public class RedisStreamProducerProperties {

    /** XADD {@code MAXLEN ~ N} (approximate trimming); {@code 0} = never trim. */
    private long maxLength = 100_000;

    /** How long a send waits for the XADD reply before it fails the caller. */
    private Duration sendTimeout = Duration.ofSeconds(5);

    public long getMaxLength() {
        return maxLength;
    }

    public void setMaxLength(long maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be >= 0");
        }
        this.maxLength = maxLength;
    }

    public Duration getSendTimeout() {
        return sendTimeout;
    }

    public void setSendTimeout(Duration sendTimeout) {
        this.sendTimeout = sendTimeout;
    }
}
