package dev.lto.engine.drift;

import dev.lto.engine.EngineApi;

/**
 * Population stability index, ML.md: PSI = Σ_k (cur_k − ref_k) · ln(cur_k / ref_k) over the
 * reference's bins. A share of 0 (a bin the window or the reference left empty) is floored at
 * {@link #FLOOR} = 1e-4 in both factors, as Evidently does; without the floor one empty bin makes
 * PSI infinite. The floor is part of the statistic the thresholds are simulated for
 * ({@link PsiThresholds}), so it does not bias the false-alarm rate.
 */
@EngineApi
public final class Psi {

    /** Share an empty bin counts as (ML.md: "floor empty bins (e.g. 1e-4)"). */
    public static final double FLOOR = 1e-4;

    private Psi() {
    }

    public static double of(double[] reference, double[] current) {
        if (reference.length != current.length) {
            throw new IllegalArgumentException(reference.length + " reference bins, " + current.length + " current bins");
        }
        double psi = 0;
        for (int k = 0; k < reference.length; k++) {
            double r = Math.max(reference[k], FLOOR);
            double c = Math.max(current[k], FLOOR);
            psi += (c - r) * Math.log(c / r);
        }
        return psi;
    }

    /** PSI of a window of raw values against a feature's reference. */
    public static double of(BinnedReference reference, double[] window) {
        return of(reference.proportions(), reference.shares(window));
    }
}
