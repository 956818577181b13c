package dev.lto.simulator.spi;

/**
 * The four physical quantities a job's six tradeoff signals are composed from, besides the job's
 * parameters and closed-form cost terms (docs/physics.md §6): with the true intermediates an
 * adapter's {@link SimulatorInterface#composeSignals} rebuilds the simulated signals exactly. Learned
 * models predict these (structured targets) rather than the signals, because each is a smooth
 * physical quantity while the signals mix several of them.
 *
 * @param patternFidelity    intersection over union of printed and drawn features at the job's dose, [0, 1]
 * @param depthOfFocusNm     depth of focus from the focus–exposure matrix, nm (0: no process window)
 * @param failureProbability stochastic (shot-noise) failure probability per feature, [0, 1]
 * @param edgeLogSlope       I_edge · NILS: resist-image intensity at the target edge times the aerial
 *                           image's normalised log-slope there (dimensionless, ≥ 0); sets how much
 *                           CD error an image error causes
 */
public record SignalIntermediates(double patternFidelity, double depthOfFocusNm, double failureProbability,
                                  double edgeLogSlope) {

    /** Number of intermediates, the length of {@link #unitScores()}. */
    public static final int SIZE = 4;

    /** Names in {@link #unitScores()} order, for model cards and logs. */
    public static final java.util.List<String> NAMES =
            java.util.List.of("pattern_fidelity", "dof_score", "yield_risk_score", "edge_slope_score");

    /** Depth of focus at which the DoF score is 0 and at which it is 1, nm (docs/physics.md §6). */
    public static final double DOF_ZERO_NM = 10;
    public static final double DOF_FULL_NM = 2000;

    /**
     * The intermediates on [0, 1] scales that the signal formulas use, so that a learner's
     * squared error is spent where the signals feel it: fidelity as is; DoF as
     * ln(DoF/10 nm)/ln(200) clipped (0 below 10 nm); failure probability as (log₁₀ p + 14)/10
     * clipped (the yield-risk ramp); I_edge·NILS as x/(1 + x).
     */
    public double[] unitScores() {
        double dof = depthOfFocusNm <= DOF_ZERO_NM ? 0
                : clamp01(Math.log(depthOfFocusNm / DOF_ZERO_NM) / Math.log(DOF_FULL_NM / DOF_ZERO_NM));
        double yield = failureProbability <= 0 ? 0 : clamp01((Math.log10(failureProbability) + 14) / 10);
        double slope = Math.max(0, edgeLogSlope);
        return new double[] {clamp01(patternFidelity), dof, yield, slope / (1 + slope)};
    }

    /**
     * The inverse of {@link #unitScores()} (each score clipped to [0, 1] first). Lossless for the
     * signals: a score of 0 maps to a DoF of 10 nm or a failure probability of 1e-14, which give
     * the same signal values as anything below them.
     */
    public static SignalIntermediates fromUnitScores(double[] u) {
        if (u.length != SIZE) {
            throw new IllegalArgumentException("expected " + SIZE + " unit scores, got " + u.length);
        }
        double fid = clamp01(u[0]);
        double dof = DOF_ZERO_NM * Math.pow(DOF_FULL_NM / DOF_ZERO_NM, clamp01(u[1]));
        double p = Math.pow(10, 10 * clamp01(u[2]) - 14);
        double s = Math.min(clamp01(u[3]), 1 - 1e-9);
        return new SignalIntermediates(fid, dof, p, s / (1 - s));
    }

    private static double clamp01(double v) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("NaN intermediate");
        }
        return Math.max(0, Math.min(1, v));
    }
}
