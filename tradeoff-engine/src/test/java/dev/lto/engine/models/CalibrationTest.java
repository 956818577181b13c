package dev.lto.engine.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    @Test
    void conformalQuantileIsTheCeilRankAndUnboundedWhenTooFewPoints() {
        double[] s = new double[99];
        for (int i = 0; i < 99; i++) {
            s[i] = 99 - i; // 1..99 shuffled order
        }
        // ⌈(99+1)·0.95⌉ = 95 → the 95th smallest = 95.
        assertThat(Calibration.conformalQuantile(s, 0.05)).isEqualTo(95);
        assertThat(Calibration.conformalQuantile(new double[18], 0.05)).isEqualTo(Calibration.UNBOUNDED);
        assertThat(Calibration.conformalQuantile(new double[19], 0.05)).isZero();
    }

    @Test
    void normalisedSplitConformalCoversNinetyFivePercentOfExchangeableData() {
        Random r = new Random(5);
        int nCal = 2000;
        double[] scores = new double[nCal];
        for (int i = 0; i < nCal; i++) {
            double scale = 0.01 + r.nextDouble() * 0.05;          // heteroscedastic noise, known scale
            scores[i] = Math.abs(r.nextGaussian() * scale * 1.7) / scale; // model scale is off by 1.7×
        }
        double q = Calibration.conformalQuantile(scores, 0.05);
        int covered = 0;
        int n = 20000;
        for (int i = 0; i < n; i++) {
            double scale = 0.01 + r.nextDouble() * 0.05;
            double err = r.nextGaussian() * scale * 1.7;
            covered += Math.abs(err) <= q * scale ? 1 : 0;
        }
        assertThat(covered / (double) n).isBetween(0.94, 0.96);
    }
}
