package dev.lto.platform.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;

class MetersByKeyTest {

    private final AtomicReference<MeterRegistry> registry = new AtomicReference<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicInteger made = new AtomicInteger();
    private final MetersByKey<Counter> counters = new MetersByKey<>(new ObjectProvider<>() {
        @Override
        public MeterRegistry getIfAvailable() {
            lookups.incrementAndGet();
            return registry.get();
        }
    });

    private Counter counter(String key) {
        return counters.get(key, r -> {
            made.incrementAndGet();
            return Counter.builder("c").tag("k", key).register(r);
        });
    }

    @Test
    void nothingUntilARegistryExistsThenEachKeysMeterIsMadeOnceAndTheRegistryLookedUpOnce() {
        assertThat(counter("a")).isNull();
        registry.set(new SimpleMeterRegistry());
        for (int i = 0; i < 5; i++) {
            counter("a").increment();
            counter("b").increment();
        }
        assertThat(made).hasValue(2);
        assertThat(lookups).as("once before the registry existed, once when found").hasValue(2);
        assertThat(registry.get().get("c").tag("k", "a").counter().count()).isEqualTo(5);
        assertThat(registry.get().get("c").tag("k", "b").counter().count()).isEqualTo(5);
    }
}
