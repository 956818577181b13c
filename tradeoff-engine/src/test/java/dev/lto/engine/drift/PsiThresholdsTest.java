package dev.lto.engine.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The thresholds' promise, by simulation (seeded, so deterministic): ≤ 1% false alarms on windows
 * without drift at every window size, and ≥ 95% detection of a 0.5σ mean shift from n = 500 on.
 */
class PsiThresholdsTest {

    /** Shared: thresholds are cached per (reference shares, m, n), as in service. */
    static final PsiThresholds THRESHOLDS = new PsiThresholds();

    /**
     * 2,000 no-drift windows per n, each against a fresh 5,000-row reference. The design rate is 1%;
     * the observed count over 2,000 windows is binomial (mean ≤ 20, sd ≈ 4.4), so the bound asserted
     * is 1.5% (30 alarms, the design mean + 2.2 sd): a threshold calibrated at 2% (the χ² limit's
     * rate at n = 100) would exceed it with probability ≈ 0.9.
     */
    @ParameterizedTest
    @ValueSource(ints = {100, 300, 1_000, 5_000})
    void windowsWithoutDriftRaiseAtMostOnePercentFalseAlarms(int n) {
        var r = DriftTrials.run(THRESHOLDS, n, 2_000, 0, 0.2, 11L * n);
        assertThat(r.ours()).as("false-alarm rate at n = %d (threshold %.4f)", n, r.threshold()).isLessThanOrEqualTo(0.015);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 1_000, 5_000})
    void aHalfSigmaMeanShiftIsDetectedInAtLeast95PercentOfWindows(int n) {
        var r = DriftTrials.run(THRESHOLDS, n, 500, 0.5, 0.2, 13L * n);
        assertThat(r.ours()).as("detection at n = %d (threshold %.4f)", n, r.threshold()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theChiSquareLimitAloneCriesWolfOnSmallWindowsWhichIsWhyTheThresholdIsSimulated() {
        var r = DriftTrials.run(THRESHOLDS, 100, 2_000, 0, 0.2, 17L);
        assertThat(r.chiSquare()).isGreaterThan(0.015);
        assertThat(r.threshold()).isGreaterThan(r.chiSquareThreshold());
    }

    @Test
    void thresholdsFallWithTheWindowAndAreReproducible() {
        BinnedReference ref = BinnedReference.fit("x", new SplittableRandom(1).doubles(2_000).toArray(), 10);
        double t100 = THRESHOLDS.threshold(ref, 100);
        double t1000 = THRESHOLDS.threshold(ref, 1_000);
        assertThat(t100).isGreaterThan(3 * t1000);
        assertThat(new PsiThresholds().threshold(ref, 100)).isEqualTo(t100);
        // The reference's own noise: a 2,000-row reference needs a higher threshold than a 200,000-row one.
        BinnedReference big = new BinnedReference("x", ref.edges(), ref.proportions(), 200_000);
        assertThat(THRESHOLDS.threshold(big, 1_000)).isLessThan(t1000);
    }

    @Test
    void largeWindowsShareThresholdsOnAGridBelowTheirSize() {
        assertThat(PsiThresholds.simulatedSize(1_000)).isEqualTo(1_000);
        for (int n : new int[] {1_001, 1_500, 4_871, 5_000, 19_999}) {
            int size = PsiThresholds.simulatedSize(n);
            assertThat(size).isLessThanOrEqualTo(n).isGreaterThan((int) (n * 0.91));
        }
        assertThat(PsiThresholds.simulatedSize(5_000)).isEqualTo(PsiThresholds.simulatedSize(4_900));
        int grid = PsiThresholds.simulatedSize(5_000);
        assertThat(PsiThresholds.simulatedSize(grid)).isEqualTo(grid);
        BinnedReference ref = BinnedReference.fit("x", new SplittableRandom(3).doubles(5_000).toArray(), 10);
        assertThat(THRESHOLDS.threshold(ref, 5_000)).isEqualTo(THRESHOLDS.threshold(ref, PsiThresholds.simulatedSize(5_000)));
    }

    @Test
    void theFalseAlarmProbabilityIsTheNullTailOfTheObservedPsi() {
        BinnedReference ref = BinnedReference.fit("x", new SplittableRandom(2).doubles(5_000).toArray(), 10);
        double t = THRESHOLDS.threshold(ref, 300);
        assertThat(THRESHOLDS.falseAlarmProbability(ref, 300, t)).isBetween(0.005, 0.0105);
        assertThat(THRESHOLDS.falseAlarmProbability(ref, 300, 0)).isEqualTo(1.0);
        assertThat(THRESHOLDS.falseAlarmProbability(ref, 300, 10)).isLessThan(1e-4);
        // Beyond the simulated sizes the χ² limit answers, continuously enough.
        PsiThresholds small = new PsiThresholds(0.01, 20_000, 1_000, 1);
        assertThat(small.threshold(ref, 1_001)).isCloseTo(PsiThresholds.asymptotic(ref, 1_001, 0.01), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(small.threshold(ref, 1_001) / small.threshold(ref, 1_000)).isBetween(0.9, 1.1);
    }

    /**
     * A wavelength: 80% on four tool lines, else log-uniform over 10–400 nm (the campaign's design):
     * bins per value and merged edges. One 5,000-row reference (each reference's shares differ, and a
     * threshold is simulated per distinct reference); with n = 300 ≪ m its noise matters little.
     */
    @Test
    void aDiscreteFeatureKeepsItsFalseAlarmRate() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] lines = {13.5, 193, 248, 365};
        java.util.function.DoubleSupplier draw = () -> rng.nextDouble() < 0.8 ? lines[rng.nextInt(4)]
                : Math.exp(Math.log(10) + rng.nextDouble() * Math.log(40));
        double[] reference = new double[5_000];
        for (int i = 0; i < reference.length; i++) {
            reference[i] = draw.getAsDouble();
        }
        BinnedReference ref = BinnedReference.fit("wavelength_nm", reference, 10);
        assertThat(ref.bins()).isBetween(6, 10);
        int alarms = 0;
        int trials = 2_000;
        for (int t = 0; t < trials; t++) {
            double[] window = new double[300];
            for (int i = 0; i < window.length; i++) {
                window[i] = draw.getAsDouble();
            }
            alarms += THRESHOLDS.check(ref, window).drifted() ? 1 : 0;
        }
        assertThat((double) alarms / trials).isLessThanOrEqualTo(0.015);
    }
}
