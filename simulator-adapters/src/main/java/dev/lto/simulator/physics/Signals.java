package dev.lto.simulator.physics;

import dev.lto.contracts.TradeoffSignals;

/**
 * The six tradeoff signals as deterministic functions of the physics outputs (docs/physics.md
 * gives the rationale of each). Inputs that depend on the machine (wall time) or on cache state
 * (kernel builds) are deliberately not used, so the same job parameters always give the same
 * signals.
 */
final class Signals {

    /** FLOPs at which the speed score is ½ (≈ 1 s of one core at 10 GFLOP/s). */
    static final double FLOP_HALF = 1e10;

    private Signals() {
    }

    /** Inputs of the signal functions. */
    record Inputs(double jobFlops, boolean surrogate, double surrogateRmse, double maskPixelNm, double lambdaOverNa,
                  double resolutionNm, double dofNm, double fidelity, double nils, double edgeIntensity,
                  double failureProbability) {
    }

    static TradeoffSignals compute(Inputs in) {
        double speed = 1 / (1 + in.jobFlops() / FLOP_HALF);
        // Mask-grid adequacy: edge placement on a pixel of dx is good to ~dx², half credit at dx = λ/(20 NA).
        double grid = 1 / (1 + sq(in.maskPixelNm() / (0.05 * in.lambdaOverNa())));
        double imageAccuracy = in.surrogate() ? Math.exp(-in.surrogateRmse() / 0.002) : 1.0;
        double speedVsAccuracy = Math.sqrt(speed * grid * imageAccuracy);

        double r = clamp01(Math.log(500 / in.resolutionNm()) / Math.log(500 / 5.0));
        double d = in.dofNm() <= 10 ? 0 : clamp01(Math.log(in.dofNm() / 10) / Math.log(2000 / 10.0));
        double resolutionVsDof = Math.sqrt(r * d);

        double cost = clamp01(Math.log10(Math.max(in.jobFlops(), 1e8) / 1e8) / 4);
        double costVsFidelity = clamp01(in.fidelity() * (1 - 0.5 * cost));

        // CD error an image error ε causes: δCD/CD ≈ 2ε / (I_edge · NILS); 2 % of CD ↔ e⁻¹.
        double cdRel = in.nils() > 0 && in.edgeIntensity() > 0
                ? 2 * in.surrogateRmse() / (in.edgeIntensity() * in.nils()) : 1.0;
        double surrogateReliability = clamp01(Math.exp(-cdRel / 0.02));

        double p = in.failureProbability();
        double yieldRisk = p <= 0 ? 0 : clamp01((Math.log10(p) + 14) / 10);

        double health = clamp01(0.35 * in.fidelity() + 0.25 * (1 - yieldRisk) + 0.20 * resolutionVsDof
                + 0.10 * speedVsAccuracy + 0.10 * surrogateReliability);
        return new TradeoffSignals(clamp01(speedVsAccuracy), resolutionVsDof, costVsFidelity, surrogateReliability,
                yieldRisk, health);
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
