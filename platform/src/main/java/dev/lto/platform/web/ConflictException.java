package dev.lto.platform.web;

import java.util.Map;

/**
 * The request is valid but the resource's current state does not allow it (e.g. cancelling a job
 * that already runs); answered as a 409 problem carrying {@code properties} (e.g. the state).
 */
public class ConflictException extends RuntimeException {

    private final Map<String, Object> properties;

    public ConflictException(String message, Map<String, Object> properties) {
        super(message);
        this.properties = Map.copyOf(properties);
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
