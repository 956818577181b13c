package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.simulator.physics.optics.KernelCache;
import dev.lto.simulator.physics.optics.SocsKernels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class KernelCacheMetricsTest {

    private static SocsKernels kernels(int floats) {
        return new SocsKernels(null, 1, new float[floats], new double[] {1.0}, 1.0, 1.0, 1, 0.0);
    }

    @Test
    void theGaugesFollowTheCacheThroughFillsAndEvictions() {
        KernelCache cache = new KernelCache(10_000);
        MeterRegistry registry = new SimpleMeterRegistry();
        KernelCacheMetrics.bind(registry, cache, "synthetic");

        cache.get("a", () -> kernels(1_000));       // 4,000 + 8 + 64 bytes
        cache.get("a", () -> kernels(1_000));       // hit
        cache.get("b", () -> kernels(1_000));
        assertThat(gauge(registry, "lto.simulator.kernel.cache")).isEqualTo(2 * 4_072.0);
        assertThat(gauge(registry, "lto.simulator.kernel.cache.settings")).isEqualTo(2.0);

        cache.get("c", () -> kernels(1_000));       // over 10,000 bytes: "a" (least recently used) goes
        assertThat(gauge(registry, "lto.simulator.kernel.cache")).isEqualTo(2 * 4_072.0);
        assertThat(gauge(registry, "lto.simulator.kernel.cache.limit")).isEqualTo(10_000.0);
        assertThat(registry.get("lto.simulator.kernel.cache.lookups").tag("result", "hit").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("lto.simulator.kernel.cache.lookups").tag("result", "miss").functionCounter().count())
                .isEqualTo(3.0);
    }

    @Test
    void theAutoConfigurationBindsThePhysicsAdaptersCache() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(PhysicsSimulatorAutoConfiguration.class))
                .withBean(SimpleMeterRegistry.class)
                .run(ctx -> {
                    MeterRegistry registry = ctx.getBean(MeterRegistry.class);
                    ctx.getBean(KernelCacheMetrics.class).bindTo(registry);
                    assertThat(registry.get("lto.simulator.kernel.cache.limit").tag("adapter", "synthetic").gauge().value())
                            .isEqualTo(256.0 * (1 << 20));
                });
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).tag("adapter", "synthetic").gauge().value();
    }
}
