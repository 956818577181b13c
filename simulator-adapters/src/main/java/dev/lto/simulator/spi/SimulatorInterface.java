package dev.lto.simulator.spi;

import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import java.util.List;
import java.util.Optional;
import reactor.core.publisher.Flux;

/**
 * What every simulator adapter offers (seed §3.1 {@code SimulatorInterface}). The core only ever
 * speaks to this interface; adapters arrive as Spring beans and are picked by {@link #adapterType()}
 * through {@link SimulatorAdapters}.
 */
public interface SimulatorInterface {

    /** Registry name of the adapter, e.g. {@code synthetic}; also written to {@code SimulationResult.adapter_type}. */
    String adapterType();

    /** Runs one job to completion on the calling thread. */
    SimulationResult runJob(JobParameters params);

    /**
     * Live progress of running jobs (stage, fraction done, elapsed time), hot: a subscriber sees
     * snapshots emitted after it subscribed. Never completes while the adapter lives.
     */
    Flux<MetricSnapshot> streamMetrics();

    /**
     * Physical problems that make a job pointless to run on this adapter although every field is in
     * range (a grid too coarse for the pattern's CD, a pattern pitch the optics cannot resolve), one
     * sentence each with the numbers; empty when the job is physically sound. Only the adapter knows
     * its pattern catalogue, so the check lives here. Cheap: no imaging.
     */
    default List<String> physicalProblems(JobParameters params) {
        return List.of();
    }

    /**
     * The intermediates a finished job's signals were composed from; empty for adapters whose
     * signals are not composed from {@link SignalIntermediates} (then learned models fall back to
     * predicting the signals themselves).
     */
    default Optional<SignalIntermediates> intermediatesOf(SimulationResult result) {
        return Optional.empty();
    }

    /**
     * The six signals this adapter would report for a job with these intermediates: the closed-form
     * cost terms of the parameters (FLOPs, grid term, surrogate error) combined with the given
     * intermediates by the same function the simulator uses. Microseconds; no imaging. Empty when
     * the adapter does not compose its signals this way.
     */
    default Optional<TradeoffSignals> composeSignals(JobParameters params, SignalIntermediates intermediates) {
        return Optional.empty();
    }

    /**
     * Physics-lite: the job's signals from a reduced-fidelity run of the adapter's own physics
     * (roughly a tenth of a full job's cost). Empty for adapters that have none (external tools);
     * the tradeoff engine then relies on its learned models alone.
     */
    default Optional<LiteEstimate> estimateSignals(JobParameters params) {
        return Optional.empty();
    }

    /**
     * Surrogate audit: the job's aerial image at its focus on the surrogate path and on the full
     * Abbe path, compared. Never changes the job's result (nothing the job returned is touched; it
     * may run long after the job). Empty for adapters without a surrogate path, and for jobs that
     * did not use it ({@code use_ai_surrogate} false).
     */
    default Optional<SurrogateAudit> auditSurrogate(JobParameters params) {
        return Optional.empty();
    }

    /**
     * The pattern family a job class stands for in this adapter's catalogue (e.g. {@code DENSE_LS}),
     * for per-family reporting; empty when the adapter has no catalogue.
     */
    default Optional<String> patternFamily(int jobClass) {
        return Optional.empty();
    }

    /** Cheap self-test of the adapter and its compute device. */
    AdapterHealth healthCheck();

    /**
     * Pictures and arrays of a recently finished job (aerial and resist images, Bossung data and
     * PNG renderings), for job reports. Adapters keep a bounded number of them; empty when the job
     * is unknown, evicted, or the adapter produces none.
     */
    default Optional<SimulationArtifacts> artifacts(String jobId) {
        return Optional.empty();
    }
}
