package dev.lto.simulator.physics;

import dev.lto.simulator.physics.optics.KernelCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;

/**
 * The SOCS kernel cache's size and hit rate, per physics adapter. The cache is the largest thing on a
 * simulating service's heap (up to {@code lto.simulator.physics.cache.kernel-bytes}, 256 MiB by default) and
 * its fill level moves as settings are evicted, so heap figures are read against it (docs/benchmarks.md,
 * "Soak and flood").
 */
final class KernelCacheMetrics implements MeterBinder {

    private final List<PhysicsSimulator> simulators;

    KernelCacheMetrics(List<PhysicsSimulator> simulators) {
        this.simulators = List.copyOf(simulators);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (PhysicsSimulator s : simulators) {
            bind(registry, s.kernelCache(), s.adapterType());
        }
    }

    static void bind(MeterRegistry registry, KernelCache cache, String adapter) {
        Gauge.builder("lto.simulator.kernel.cache", cache, KernelCache::bytes).baseUnit("bytes").tag("adapter", adapter)
                .description("Bytes of SOCS kernels held by the simulator's kernel cache").register(registry);
        Gauge.builder("lto.simulator.kernel.cache.limit", cache, KernelCache::maxBytes).baseUnit("bytes")
                .tag("adapter", adapter).description("The kernel cache's bound (lto.simulator.physics.cache.kernel-bytes)")
                .register(registry);
        Gauge.builder("lto.simulator.kernel.cache.settings", cache, KernelCache::size).tag("adapter", adapter)
                .description("Optical settings whose kernels are cached").register(registry);
        FunctionCounter.builder("lto.simulator.kernel.cache.lookups", cache, KernelCache::hits)
                .tag("adapter", adapter).tag("result", "hit").description("Kernel lookups by result").register(registry);
        FunctionCounter.builder("lto.simulator.kernel.cache.lookups", cache, KernelCache::misses)
                .tag("adapter", adapter).tag("result", "miss").description("Kernel lookups by result").register(registry);
    }
}
