package dev.lto.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Meters of code on the request path (servlet filters), each made once per key: the registry is created by the
 * actuator after the filters, so it is found at first use rather than injected, and resolving it and building the meter
 * on every request was a tenth of a refused request's CPU under a flood (docs/benchmarks.md "Flood"). Keys must come
 * from a bounded set (route templates, classes, roles), never from client input.
 */
public final class MetersByKey<M extends Meter> {

    private final ObjectProvider<MeterRegistry> registry;
    private final Map<String, M> meters = new ConcurrentHashMap<>();
    private volatile MeterRegistry found;

    public MetersByKey(ObjectProvider<MeterRegistry> registry) {
        this.registry = registry;
    }

    /** The meter of {@code key}, registered by {@code make} at its first use; {@code null} while there is no registry. */
    public M get(String key, Function<MeterRegistry, M> make) {
        M meter = meters.get(key);
        if (meter != null) {
            return meter;
        }
        MeterRegistry r = found;
        if (r == null) {
            r = registry.getIfAvailable();
            if (r == null) {
                return null;
            }
            found = r;
        }
        MeterRegistry into = r;
        return meters.computeIfAbsent(key, k -> make.apply(into));
    }
}
