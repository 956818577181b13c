package dev.lto.platform.web;

import java.util.Map;

/** The service cannot answer now; a 503 problem with {@code Retry-After} and these extra members. */
public class ServiceUnavailableException extends RuntimeException {

    private final Map<String, Object> properties;

    public ServiceUnavailableException(String detail, Map<String, Object> properties, Throwable cause) {
        super(detail, cause);
        this.properties = Map.copyOf(properties);
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
