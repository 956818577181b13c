package dev.lto.engine.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MahalanobisTest {

    @Test
    void mahalanobisOfGaussianDataExceedsTheCutOffAtTheNominalRate() {
        java.util.Random r = new java.util.Random(3);
        double[][] x = new double[4000][9];
        for (double[] row : x) {
            for (int j = 0; j < 9; j++) {
                row[j] = r.nextGaussian() * (1 + j) + j;
            }
        }
        Mahalanobis m = Mahalanobis.fit(x, 9, 0.99);
        int above = 0;
        for (int i = 0; i < 20000; i++) {
            double[] row = new double[9];
            for (int j = 0; j < 9; j++) {
                row[j] = r.nextGaussian() * (1 + j) + j;
            }
            above += m.distance2(row) > m.cutoff() ? 1 : 0;
        }
        assertThat(above / 20000.0).isCloseTo(0.01, within(0.004));
        double[] far = new double[9];
        far[0] = 10;
        assertThat(m.distance2(far)).isGreaterThan(m.cutoff());
    }
}
