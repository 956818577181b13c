package dev.lto.simulator.physics;

import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.SignalIntermediates;

/**
 * The six tradeoff signals as deterministic functions of the job's closed-form cost terms
 * ({@link CostModel}) and four physical intermediates (docs/physics.md §6 gives the rationale of
 * each). Inputs that depend on the machine (wall time) or on cache state (kernel builds) are
 * deliberately not used, so the same job parameters always give the same signals.
 */
final class Signals {

    /** FLOPs at which the speed score is ½ (≈ 1 s of one core at 10 GFLOP/s). */
    static final double FLOP_HALF = 1e10;

    private Signals() {
    }

    /**
     * The six signals from the job's closed-form cost terms, the surrogate image error the signals
     * use (the nominal closed form, or an audit's measurement) and the four physical intermediates.
     * Every caller (the simulator, composeSignals, physics-lite) goes through here.
     *
     * @throws IllegalArgumentException if an intermediate or the error is NaN, or a signal's formula
     *         yields NaN (e.g. ∞/∞): the message names the intermediate or signal. A NaN is never
     *         clamped into a valid-looking value; the job fails with this reason instead.
     */
    static TradeoffSignals compose(CostModel.Terms c, double surrogateRmse, SignalIntermediates in) {
        requireNumber("pattern_fidelity", in.patternFidelity(), c, surrogateRmse, in);
        requireNumber("depth_of_focus_nm", in.depthOfFocusNm(), c, surrogateRmse, in);
        requireNumber("failure_probability", in.failureProbability(), c, surrogateRmse, in);
        requireNumber("edge_log_slope", in.edgeLogSlope(), c, surrogateRmse, in);
        requireNumber("surrogate_rmse", surrogateRmse, c, surrogateRmse, in);
        try {
            double speedVsAccuracy = speedVsAccuracy(c, surrogateRmse);

            double r = clamp01("resolution_vs_dof (resolution term)", Math.log(500 / c.resolutionNm()) / Math.log(500 / 5.0));
            double dof = in.depthOfFocusNm();
            double d = dof <= SignalIntermediates.DOF_ZERO_NM ? 0
                    : clamp01("resolution_vs_dof (depth-of-focus term)", Math.log(dof / SignalIntermediates.DOF_ZERO_NM)
                            / Math.log(SignalIntermediates.DOF_FULL_NM / SignalIntermediates.DOF_ZERO_NM));
            double resolutionVsDof = Math.sqrt(r * d);

            double cost = clamp01("cost_vs_fidelity (cost term)", Math.log10(Math.max(c.jobFlops(), 1e8) / 1e8) / 4);
            double costVsFidelity = clamp01("cost_vs_fidelity", in.patternFidelity() * (1 - 0.5 * cost));

            // CD error an image error ε causes: δCD/CD ≈ 2ε / (I_edge · NILS); 2 % of CD ↔ e⁻¹.
            double slope = in.edgeLogSlope();
            double cdRel = slope > 0 ? 2 * surrogateRmse / slope : 1.0;
            double surrogateReliability = clamp01("surrogate_reliability", Math.exp(-cdRel / 0.02));

            double p = in.failureProbability();
            double yieldRisk = p <= 0 ? 0 : clamp01("yield_risk", (Math.log10(p) + 14) / 10);

            double health = clamp01("overall_health", 0.35 * in.patternFidelity() + 0.25 * (1 - yieldRisk)
                    + 0.20 * resolutionVsDof + 0.10 * speedVsAccuracy + 0.10 * surrogateReliability);
            return new TradeoffSignals(speedVsAccuracy, resolutionVsDof, costVsFidelity, surrogateReliability,
                    yieldRisk, health);
        } catch (NaNSignal e) {
            throw new IllegalArgumentException(e.getMessage() + " from intermediates " + in + ", surrogate error "
                    + surrogateRmse + ", cost terms " + c, e);
        }
    }

    private static void requireNumber(String name, double v, CostModel.Terms c, double surrogateRmse,
                                      SignalIntermediates in) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("NaN intermediate " + name + " (intermediates " + in
                    + ", surrogate error " + surrogateRmse + ", cost terms " + c + ")");
        }
    }

    /** speed_vs_accuracy = √(S·G·Q): cost terms only (FLOPs, mask pixel, surrogate error). */
    static double speedVsAccuracy(CostModel.Terms c, double surrogateRmse) {
        double speed = 1 / (1 + c.jobFlops() / FLOP_HALF);
        // Mask-grid adequacy: edge placement on a pixel of dx is good to ~dx², half credit at dx = λ/(20 NA).
        double grid = 1 / (1 + sq(c.maskPixelNm() / (0.05 * c.lambdaOverNa())));
        double imageAccuracy = c.surrogate() ? Math.exp(-surrogateRmse / 0.002) : 1.0;
        return clamp01("speed_vs_accuracy", Math.sqrt(speed * grid * imageAccuracy));
    }

    private static double sq(double v) {
        return v * v;
    }

    /**
     * v clipped to [0, 1]; a NaN is an error naming {@code what} (the signal or term being computed),
     * never a valid-looking 0.
     */
    static double clamp01(String what, double v) {
        if (Double.isNaN(v)) {
            throw new NaNSignal("NaN in signal " + what);
        }
        return Math.max(0, Math.min(1, v));
    }

    /** A signal formula produced NaN; {@link #compose} adds the inputs to the message. */
    static final class NaNSignal extends IllegalArgumentException {
        NaNSignal(String message) {
            super(message);
        }
    }
}
