package dev.lto.engine.drift;

import java.util.SplittableRandom;

/**
 * Simulated monitoring: a reference of m training values and a window of n live values, both drawn
 * from N(0, 1) (the window shifted by {@code shift} σ for drift). Each trial draws a fresh reference,
 * because the threshold's 1% is a rate over training samples as well as windows (the reference's
 * quantile edges are random too).
 */
final class DriftTrials {

    static final int REFERENCE_ROWS = 5_000;

    record Rates(int n, int trials, double ours, double fixed, double chiSquare, double threshold, double chiSquareThreshold) {
    }

    private DriftTrials() {
    }

    /** Share of trials whose window is flagged by our threshold, by fixed PSI > {@code fixed}, and by the χ² limit. */
    static Rates run(PsiThresholds thresholds, int n, int trials, double shift, double fixed, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int ours = 0;
        int fixedAlarms = 0;
        int chi = 0;
        double t = 0;
        double tChi = 0;
        for (int trial = 0; trial < trials; trial++) {
            double[] reference = new double[REFERENCE_ROWS];
            for (int i = 0; i < reference.length; i++) {
                reference[i] = rng.nextGaussian();
            }
            BinnedReference ref = BinnedReference.fit("x", reference, DriftReference.DEFAULT_BINS);
            double[] window = new double[n];
            for (int i = 0; i < n; i++) {
                window[i] = rng.nextGaussian() + shift;
            }
            double psi = Psi.of(ref, window);
            t = thresholds.threshold(ref, n);
            tChi = PsiThresholds.asymptotic(ref, n, thresholds.falseAlarm());
            ours += psi > t ? 1 : 0;
            fixedAlarms += psi > fixed ? 1 : 0;
            chi += psi > tChi ? 1 : 0;
        }
        return new Rates(n, trials, (double) ours / trials, (double) fixedAlarms / trials, (double) chi / trials, t, tChi);
    }
}
