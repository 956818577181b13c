package dev.lto.engine.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import dev.lto.simulator.spi.LiteEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Physics-lite intervals on a signal that clamps at 0 on most jobs (yield_risk: 0 or 1 on ≈ 95 % of the
 * reference campaign, on both paths). The pooled conformal quantile is 0 there, which gave the README's
 * first job (lite 0.0919, its surrogate run 0.0823) a zero-width yield_risk interval and flagged it;
 * the interior quantile is fitted on the jobs whose lite score is inside (0, 1).
 */
class LiteCalibrationTest {

    static final int YIELD = TradeoffSignals.NAMES.indexOf("yield_risk");

    @Test
    void aMostlyClampedSignalKeepsAnHonestIntervalInside() {
        SplittableRandom rng = new SplittableRandom(3);
        List<CampaignSample> cal = new ArrayList<>();
        List<double[]> interiorErrors = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            boolean inside = i % 25 == 0; // 4 %: 40 jobs, the rest clamped at 0 on both paths (as ≥ 95 % of the campaign)
            double lite = inside ? 0.05 + 0.1 * rng.nextDouble() : 0;
            double truth = inside ? Math.max(0, lite + 0.01 * rng.nextGaussian()) : 0;
            cal.add(sample(i, lite, truth));
            if (inside) {
                interiorErrors.add(new double[] {lite, truth});
            }
        }
        LiteCalibration lc = LiteCalibration.fit(cal, List.of(), 0.05, 0.002, 1.0, 0.05, null);
        // The reproduction: pooled over all jobs the quantile is 0.
        assertThat(lc.conformalQ()[YIELD]).isZero();
        assertThat(lc.conformalQInterior()[YIELD]).isPositive();

        double[] risk = new double[6];
        java.util.Arrays.fill(risk, 0.05);
        double[] insideScores = scores(0.0919);
        double[] clampedScores = scores(0);
        assertThat(lc.halfWidths(risk, clampedScores)[YIELD]).as("clamped: pooled q").isZero();
        double half = lc.halfWidths(risk, insideScores)[YIELD];
        assertThat(half).isGreaterThan(0.0097); // the first job's |lite − surrogate run|: covered now
        // 95 % coverage on fresh interior jobs from the same process.
        int covered = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            double lite = 0.05 + 0.1 * rng.nextDouble();
            double truth = Math.max(0, lite + 0.01 * rng.nextGaussian());
            covered += Math.abs(truth - lite) <= lc.halfWidths(risk, scores(lite))[YIELD] ? 1 : 0;
        }
        assertThat((double) covered / n).isBetween(0.90, 0.995);
    }

    @Test
    void calibrationsStoredBeforeTheInteriorQuantileKeepThePooledOne() {
        LiteCalibration old = new LiteCalibration(new double[] {1, 1, 1, 1, 0, 1}, 0.002, new double[6], "", 10, "x", 1, null);
        assertThat(old.conformalQInterior()).isNull();
        double[] risk = new double[6];
        java.util.Arrays.fill(risk, 0.05);
        assertThat(old.halfWidths(risk, scores(0.0919))[YIELD]).isZero();
    }

    private static double[] scores(double yield) {
        double[] y = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
        y[YIELD] = yield;
        return y;
    }

    private static CampaignSample sample(int i, double lite, double truth) {
        double[] y = scores(lite);
        double[] t = scores(truth);
        double[] err = new double[6];
        java.util.Arrays.fill(err, 0.05);
        LiteEstimate le = new LiteEstimate(new TradeoffSignals(y[0], y[1], y[2], y[3], y[4], y[5]), null, err, "lite-test", 0.1);
        return new CampaignSample("c", i, "s", Split.CALIBRATION, JobParameters.of(0.33, 30), t, 0.5, false, "socs", 1.0, null, le);
    }
}
