package dev.lto.engine.lifecycle;

import dev.lto.engine.EngineApi;
import java.util.Map;

/**
 * A lifecycle action refused because of the registry's state (no rollback candidate, failed gates, a
 * retrain already running): the service answers 409 with {@code details} as problem properties.
 */
@EngineApi
public final class LifecycleConflict extends RuntimeException {

    private final transient Map<String, Object> details;

    public LifecycleConflict(String message, Map<String, Object> details) {
        super(message);
        this.details = Map.copyOf(details);
    }

    public Map<String, Object> details() {
        return details;
    }
}
