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
     * @throws IllegalArgumentException if an intermediate or the error is NaN (a fake 0 would look valid)
     */
    static TradeoffSignals compose(CostModel.Terms c, double surrogateRmse, SignalIntermediates in) {
        if (Double.isNaN(in.patternFidelity()) || Double.isNaN(in.depthOfFocusNm())
                || Double.isNaN(in.failureProbability()) || Double.isNaN(in.edgeLogSlope()) || Double.isNaN(surrogateRmse)) {
            throw new IllegalArgumentException("NaN in signal intermediates " + in + " or surrogate error " + surrogateRmse);
        }
        double speedVsAccuracy = speedVsAccuracy(c, surrogateRmse);

        double r = clamp01(Math.log(500 / c.resolutionNm()) / Math.log(500 / 5.0));
        double dof = in.depthOfFocusNm();
        double d = dof <= SignalIntermediates.DOF_ZERO_NM ? 0
                : clamp01(Math.log(dof / SignalIntermediates.DOF_ZERO_NM)
                        / Math.log(SignalIntermediates.DOF_FULL_NM / SignalIntermediates.DOF_ZERO_NM));
        double resolutionVsDof = Math.sqrt(r * d);

        double cost = clamp01(Math.log10(Math.max(c.jobFlops(), 1e8) / 1e8) / 4);
        double costVsFidelity = clamp01(in.patternFidelity() * (1 - 0.5 * cost));

        // CD error an image error ε causes: δCD/CD ≈ 2ε / (I_edge · NILS); 2 % of CD ↔ e⁻¹.
        double slope = in.edgeLogSlope();
        double cdRel = slope > 0 ? 2 * surrogateRmse / slope : 1.0;
        double surrogateReliability = clamp01(Math.exp(-cdRel / 0.02));

        double p = in.failureProbability();
        double yieldRisk = p <= 0 ? 0 : clamp01((Math.log10(p) + 14) / 10);

        double health = clamp01(0.35 * in.patternFidelity() + 0.25 * (1 - yieldRisk) + 0.20 * resolutionVsDof
                + 0.10 * speedVsAccuracy + 0.10 * surrogateReliability);
        return new TradeoffSignals(speedVsAccuracy, resolutionVsDof, costVsFidelity, surrogateReliability,
                yieldRisk, health);
    }

    /** speed_vs_accuracy = √(S·G·Q): cost terms only (FLOPs, mask pixel, surrogate error). */
    static double speedVsAccuracy(CostModel.Terms c, double surrogateRmse) {
        double speed = 1 / (1 + c.jobFlops() / FLOP_HALF);
        // Mask-grid adequacy: edge placement on a pixel of dx is good to ~dx², half credit at dx = λ/(20 NA).
        double grid = 1 / (1 + sq(c.maskPixelNm() / (0.05 * c.lambdaOverNa())));
        double imageAccuracy = c.surrogate() ? Math.exp(-surrogateRmse / 0.002) : 1.0;
        return clamp01(Math.sqrt(speed * grid * imageAccuracy));
    }

    private static double sq(double v) {
        return v * v;
    }

    static double clamp01(double v) {
        if (Double.isNaN(v)) {
            return 0;
        }
        return Math.max(0, Math.min(1, v));
    }
}
