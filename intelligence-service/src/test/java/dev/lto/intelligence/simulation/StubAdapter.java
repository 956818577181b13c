package dev.lto.intelligence.simulation;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.SimulatorInterface;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;

/** An adapter whose self-test answers what the test says; it runs no job. */
final class StubAdapter implements SimulatorInterface {

    private final String type;
    private volatile Supplier<AdapterHealth> health;
    final AtomicInteger checks = new AtomicInteger();

    StubAdapter(String type, HealthStatus status, String device) {
        this.type = type;
        answer(status, device);
    }

    void answer(HealthStatus status, String device) {
        health = () -> new AdapterHealth(type, status, type + "-1", device, "stub " + status, Instant.now());
    }

    void answer(Supplier<AdapterHealth> supplier) {
        health = supplier;
    }

    @Override
    public String adapterType() {
        return type;
    }

    @Override
    public SimulationResult runJob(JobParameters params) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public Flux<MetricSnapshot> streamMetrics() {
        return Flux.never();
    }

    @Override
    public AdapterHealth healthCheck() {
        checks.incrementAndGet();
        return health.get();
    }
}
