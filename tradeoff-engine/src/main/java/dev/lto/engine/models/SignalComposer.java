package dev.lto.engine.models;

import dev.lto.contracts.JobParameters;
import dev.lto.simulator.spi.SignalIntermediates;
import dev.lto.simulator.spi.SimulatorInterface;

/**
 * Rebuilds a job's six signals from predicted intermediates with the adapter's own closed-form
 * composition ({@link SimulatorInterface#composeSignals}): the learned first stage predicts the four
 * physical intermediates and never the cost terms, which are exact functions of the parameters.
 */
@FunctionalInterface
public interface SignalComposer {

    /** Signals in contract order from the intermediates' unit scores ({@link SignalIntermediates#unitScores()}). */
    double[] compose(JobParameters job, double[] unitScores);

    /** The adapter's composition, or null when the adapter does not compose its signals from intermediates. */
    static SignalComposer of(SimulatorInterface adapter, JobParameters probe) {
        if (adapter == null || adapter.composeSignals(probe, SignalIntermediates.fromUnitScores(new double[] {0.5, 0.5, 0.5, 0.5}))
                .isEmpty()) {
            return null;
        }
        return (job, u) -> adapter.composeSignals(job, SignalIntermediates.fromUnitScores(u))
                .orElseThrow(() -> new IllegalStateException("adapter " + adapter.adapterType() + " stopped composing signals"))
                .toArray();
    }
}
