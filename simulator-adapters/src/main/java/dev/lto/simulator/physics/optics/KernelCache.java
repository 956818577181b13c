package dev.lto.simulator.physics.optics;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * SOCS kernels per optical setting, least-recently-used first out, bounded by the bytes the
 * kernels hold. Builds run outside the lock so that two jobs with different settings build in
 * parallel; two jobs with the same setting may both build once (the result is identical).
 */
public final class KernelCache {

    private final long maxBytes;
    private final LinkedHashMap<Object, SocsKernels> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    public KernelCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public SocsKernels get(Object key, Supplier<SocsKernels> builder) {
        return getAll(List.of(key), missing -> List.of(builder.get()))[0];
    }

    /**
     * Kernels for several keys; the missing ones are built together by {@code builder}, which gets
     * the indices (into {@code keys}) of the missing keys and returns their kernels in that order.
     */
    public SocsKernels[] getAll(List<?> keys, Function<List<Integer>, List<SocsKernels>> builder) {
        SocsKernels[] out = new SocsKernels[keys.size()];
        List<Integer> missing = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < keys.size(); i++) {
                SocsKernels k = map.get(keys.get(i));
                if (k != null) {
                    hits++;
                    out[i] = k;
                } else {
                    misses++;
                    missing.add(i);
                }
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        List<SocsKernels> built = builder.apply(missing);
        synchronized (this) {
            for (int j = 0; j < missing.size(); j++) {
                SocsKernels b = built.get(j);
                out[missing.get(j)] = b;
                SocsKernels old = map.put(keys.get(missing.get(j)), b);
                if (old != null) {
                    bytes -= old.bytes();
                }
                bytes += b.bytes();
            }
            java.util.Set<SocsKernels> fresh = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            fresh.addAll(built);
            Iterator<Map.Entry<Object, SocsKernels>> it = map.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                Map.Entry<Object, SocsKernels> e = it.next();
                if (fresh.contains(e.getValue())) {
                    continue; // never evict what we just built; the bound is exceeded by at most one job's set
                }
                bytes -= e.getValue().bytes();
                it.remove();
            }
        }
        return out;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return map.size();
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    public synchronized void clear() {
        map.clear();
        bytes = 0;
    }
}
