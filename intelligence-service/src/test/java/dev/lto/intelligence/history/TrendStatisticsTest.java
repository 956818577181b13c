package dev.lto.intelligence.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrendStatisticsTest {

    private static double[] indexes(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    @Test
    void exactPValuesMatchTheCountsOfOrderings() {
        // n = 5, perfectly increasing: only 1 of 120 orderings has S = 10 (and 1 has S = -10).
        assertThat(TrendStatistics.test(indexes(5), new double[] {1, 2, 3, 4, 5}).pValue()).isCloseTo(2.0 / 120, within(1e-12));
        // n = 4: the best possible two-sided p is 2/24, never below 0.05: hence at least 5 buckets.
        assertThat(TrendStatistics.exactTwoSided(4, 6)).isCloseTo(2.0 / 24, within(1e-12));
        // n = 5, one swap (S = 8): orderings with at most one inversion, 1 + 4 = 5 of 120 on each side.
        assertThat(TrendStatistics.test(indexes(5), new double[] {2, 1, 3, 4, 5}).pValue()).isCloseTo(10.0 / 120, within(1e-12));
        assertThat(TrendStatistics.exactTwoSided(7, 0)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void theNormalApproximationAgreesWithTheExactDistributionForLongSeries() {
        int n = 40;
        for (long s : new long[] {60, 120, 200}) {
            double exact = TrendStatistics.exactTwoSided(n, s);
            double variance = n * (n - 1.0) * (2.0 * n + 5) / 18;
            double approx = 2 * TrendStatistics.upperNormalTail((s - 1) / Math.sqrt(variance));
            assertThat(approx).as("S = %d", s).isCloseTo(exact, within(0.01 + 0.1 * exact));
        }
        assertThat(TrendStatistics.upperNormalTail(1.959964)).isCloseTo(0.025, within(1e-6));
        assertThat(TrendStatistics.upperNormalTail(0)).isCloseTo(0.5, within(1e-7));
    }

    @Test
    void tiesUseTheCorrectedVarianceAndAConstantSeriesHasNoTrend() {
        assertThat(TrendStatistics.test(indexes(6), new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}).pValue()).isEqualTo(1.0);
        TrendStatistics.Result tied = TrendStatistics.test(indexes(8), new double[] {1, 1, 2, 2, 3, 3, 4, 4});
        assertThat(tied.s()).isEqualTo(24); // 28 pairs, 4 tied
        assertThat(tied.pValue()).isLessThan(0.01);
    }

    @Test
    void theilSenSlopeIgnoresAnOutlier() {
        double[] y = new double[11];
        for (int i = 0; i < y.length; i++) {
            y[i] = 0.3 + 0.01 * i;
        }
        y[5] = 0.95;
        TrendStatistics.Result r = TrendStatistics.test(indexes(11), y);
        assertThat(r.slope()).isCloseTo(0.01, within(1e-12));
    }

    // --- the direction rule (Trends.verdict)

    private final Trends trends = new Trends(null, 0.05, 0.02, 5);

    private static List<double[]> series(int n, double start, double step, double noise, long seed) {
        Random random = new Random(seed);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new double[] {i, start + step * i + noise * random.nextGaussian()});
        }
        return points;
    }

    @Test
    void risingHigherIsBetterSignalsImproveAndRisingYieldRiskDegrades() {
        List<double[]> rising = series(30, 0.5, 0.005, 0.01, 1);
        assertThat(trends.verdict("overall_health", rising, List.of()).direction()).isEqualTo("improving");
        assertThat(trends.verdict("yield_risk", rising, List.of()).direction()).isEqualTo("degrading");
        List<double[]> falling = series(30, 0.5, -0.005, 0.01, 2);
        assertThat(trends.verdict("speed_vs_accuracy", falling, List.of()).direction()).isEqualTo("degrading");
        assertThat(trends.verdict("yield_risk", falling, List.of()).direction()).isEqualTo("improving");
    }

    @Test
    void noiseWithoutDriftIsStableUpToTheTestsFalseAlarmRate() {
        int alarms = 0;
        for (long seed = 0; seed < 200; seed++) {
            if (!trends.verdict("overall_health", series(30, 0.6, 0, 0.03, seed), List.of()).direction().equals("stable")) {
                alarms++;
            }
        }
        // Large bucket-to-bucket noise: the Mann-Kendall false-alarm rate, about alpha = 5%.
        assertThat(alarms).isBetween(1, 20);
        int smallNoiseAlarms = 0;
        for (long seed = 0; seed < 200; seed++) {
            if (!trends.verdict("overall_health", series(30, 0.6, 0, 0.004, seed), List.of()).direction().equals("stable")) {
                smallNoiseAlarms++;
            }
        }
        // Small noise: the chance "trends" are far below the 0.02 change that counts.
        assertThat(smallNoiseAlarms).isZero();
    }

    @Test
    void aSignificantButTinyChangeIsStableAndSaysWhy() {
        var v = trends.verdict("cost_vs_fidelity", series(30, 0.5, 0.0002, 0.00001, 3), List.of());
        assertThat(v.test().pValue()).isLessThan(0.001);
        assertThat(v.direction()).isEqualTo("stable");
        assertThat(v.reason()).contains("below the 0.02 threshold");
    }

    @Test
    void tooFewBucketsIsStableWithTheReason() {
        var v = trends.verdict("overall_health", series(4, 0.1, 0.2, 0, 4), List.of());
        assertThat(v.direction()).isEqualTo("stable");
        assertThat(v.reason()).contains("too few buckets").contains("4 of the 5");
        assertThat(v.test().pValue()).isNull();
    }
}
