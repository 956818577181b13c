package dev.lto.intelligence.audit;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.simulator.spi.SurrogateAudit;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import reactor.core.publisher.Flux;

/** A test adapter that only audits surrogate jobs, with the audit each test gives it; it runs no job. */
public final class AuditOnlyAdapter implements SimulatorInterface {

    private final String type;
    private final Function<JobParameters, Optional<SurrogateAudit>> audit;

    public AuditOnlyAdapter(String type, Function<JobParameters, Optional<SurrogateAudit>> audit) {
        this.type = type;
        this.audit = audit;
    }

    @Override
    public String adapterType() {
        return type;
    }

    @Override
    public SimulationResult runJob(JobParameters params) {
        throw new UnsupportedOperationException("this adapter only audits");
    }

    @Override
    public Flux<MetricSnapshot> streamMetrics() {
        return Flux.empty();
    }

    @Override
    public AdapterHealth healthCheck() {
        return new AdapterHealth(type, HealthStatus.UP, "1", "cpu", "fake", Instant.now());
    }

    @Override
    public Optional<SurrogateAudit> auditSurrogate(JobParameters p) {
        return audit.apply(p);
    }
}
