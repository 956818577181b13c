package dev.lto.simulator.physics.optics;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
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
        synchronized (this) {
            SocsKernels k = map.get(key);
            if (k != null) {
                hits++;
                return k;
            }
            misses++;
        }
        SocsKernels built = builder.get();
        synchronized (this) {
            SocsKernels old = map.put(key, built);
            if (old != null) {
                bytes -= old.bytes();
            }
            bytes += built.bytes();
            Iterator<Map.Entry<Object, SocsKernels>> it = map.entrySet().iterator();
            while (bytes > maxBytes && it.hasNext()) {
                Map.Entry<Object, SocsKernels> e = it.next();
                if (e.getValue() == built) {
                    continue; // never evict what we just built; the bound is exceeded by at most one entry
                }
                bytes -= e.getValue().bytes();
                it.remove();
            }
        }
        return built;
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
