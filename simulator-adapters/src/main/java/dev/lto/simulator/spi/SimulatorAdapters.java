package dev.lto.simulator.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Registry of the simulator adapters present in the application context, keyed by
 * {@link SimulatorInterface#adapterType()}. Services inject this (or a single adapter) and never
 * an adapter implementation class.
 */
public final class SimulatorAdapters {

    private final Map<String, SimulatorInterface> byType;

    public SimulatorAdapters(List<SimulatorInterface> adapters) {
        Map<String, SimulatorInterface> m = new TreeMap<>();
        for (SimulatorInterface a : adapters) {
            SimulatorInterface previous = m.putIfAbsent(a.adapterType(), a);
            if (previous != null && previous != a) {
                throw new IllegalStateException("two simulator adapters named '" + a.adapterType() + "'");
            }
        }
        this.byType = Collections.unmodifiableMap(m);
    }

    /** The adapter registered under {@code adapterType}. */
    public SimulatorInterface get(String adapterType) {
        SimulatorInterface a = byType.get(adapterType);
        if (a == null) {
            throw new NoSuchElementException("no simulator adapter '" + adapterType + "'; known: " + byType.keySet());
        }
        return a;
    }

    public Optional<SimulatorInterface> find(String adapterType) {
        return Optional.ofNullable(byType.get(adapterType));
    }

    /** Adapter names, sorted. */
    public List<String> names() {
        return List.copyOf(byType.keySet());
    }

    public Collection<SimulatorInterface> all() {
        return byType.values();
    }
}
