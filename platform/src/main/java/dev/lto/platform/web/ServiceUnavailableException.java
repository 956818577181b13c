package dev.lto.platform.web;

import java.time.Duration;
import java.util.Map;

/** The service cannot answer now; a 503 problem with {@code Retry-After} and these extra members. */
public class ServiceUnavailableException extends RuntimeException {

    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    private final Map<String, Object> properties;
    private final Duration retryAfter;

    public ServiceUnavailableException(String detail, Map<String, Object> properties, Throwable cause) {
        this(detail, properties, DEFAULT_RETRY_AFTER, cause);
    }

    /** @param retryAfter sent as {@code Retry-After} (whole seconds, at least 1) */
    public ServiceUnavailableException(String detail, Map<String, Object> properties, Duration retryAfter, Throwable cause) {
        super(detail, cause);
        this.properties = Map.copyOf(properties);
        this.retryAfter = retryAfter;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
