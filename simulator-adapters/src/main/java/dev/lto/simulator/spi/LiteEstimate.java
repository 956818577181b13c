package dev.lto.simulator.spi;

import dev.lto.contracts.TradeoffSignals;

/**
 * A physics-lite answer: the adapter's own physics run at reduced fidelity (fewer source points, a
 * smaller mask raster, fewer focus points, no surrogate-kernel build, no MEEF, Bossung or pictures),
 * with the six signals recomposed from its intermediates and the full-fidelity cost terms.
 *
 * @param signals        the six signals, composed as {@link SimulatorInterface#composeSignals} does
 * @param intermediates  the reduced-fidelity intermediates the signals come from
 * @param errorEstimate  per signal (contract order), how far the answer may move within the reduced
 *                       run's own resolution (e.g. one focus step of DoF, one mask pixel of edge):
 *                       large near a cliff of the signal formulas, 0 far from them; a heuristic scale
 *                       for escalation, not a calibrated interval
 * @param fidelity       which reduced fidelity ran, e.g. {@code lite-120pt-512px-5f}
 * @param computeSeconds wall time of the estimate on the calling thread
 */
public record LiteEstimate(TradeoffSignals signals, SignalIntermediates intermediates, double[] errorEstimate,
                           String fidelity, double computeSeconds) {
}
