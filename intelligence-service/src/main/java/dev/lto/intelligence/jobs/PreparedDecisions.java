package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.intelligence.preflight.PreflightDecision;
import dev.lto.intelligence.preflight.PreflightGate;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Preflight decisions computed before the writer lock is taken. A decision is a prediction (for a job the
 * first stage is unsure of, physics-lite: a reduced simulation, up to seconds of CPU on busy cores) and
 * reads no job state, so the intake computes it first and the PREFLIGHT stage, under the lock, only stores
 * it. Holding the lock for the prediction made every other writer — the next batch of submissions, the
 * dispatcher, the results consumer — wait for it. A decision is used once, only for the parameters it was
 * computed for; without one the stage predicts itself, as before.
 */
@Component
class PreparedDecisions {

    private record Prepared(JobParameters parameters, PreflightDecision decision) {
    }

    private final PreflightGate gate;
    private final SimulatorAdapters adapters;
    private final Map<String, Prepared> prepared = new ConcurrentHashMap<>();

    PreparedDecisions(PreflightGate gate, SimulatorAdapters adapters) {
        this.gate = gate;
        this.adapters = adapters;
    }

    /** Outside the lock: predicts and gates a job that is about to reach PREFLIGHT (no-op when no model serves). */
    void prepare(JobRecord job) {
        gate.decide(job.parameters(), adapters.find(job.adapterType()).orElse(null), true)
                .ifPresent(d -> prepared.put(job.jobId(), new Prepared(job.parameters(), d)));
    }

    /** Under the lock: the decision prepared for this job and these parameters, if any; removed either way. */
    Optional<PreflightDecision> take(JobRecord job) {
        Prepared p = prepared.remove(job.jobId());
        return p != null && p.parameters().equals(job.parameters()) ? Optional.of(p.decision()) : Optional.empty();
    }

    void discard(String jobId) {
        prepared.remove(jobId);
    }
}
