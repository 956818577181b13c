package dev.lto.engine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.JobParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureEncoderTest {

    @Test
    void seedMtfValuesAreReproduced() {
        // PHYSICS.md analytic result 4: H(0) = 1, H(0.5) = 0.3910, H(1) = 0.
        assertThat(FeatureEncoder.mtf(0)).isCloseTo(1, within(1e-12));
        assertThat(FeatureEncoder.mtf(0.5)).isCloseTo(0.3910, within(1e-4));
        assertThat(FeatureEncoder.mtf(1)).isZero();
    }

    @Test
    void physicsFeaturesFollowTheirFormulas() {
        double[] k1 = new double[21];
        java.util.Arrays.fill(k1, 0.4);
        double[] r = FeatureEncoder.raw(JobParameters.of(0.33, 30), k1);
        int i = FeatureEncoder.NAMES.indexOf("log_resolution_nm");
        assertThat(Math.exp(r[i])).isCloseTo(0.4 * 13.5 / 0.33, within(1e-9));
        assertThat(Math.exp(r[FeatureEncoder.NAMES.indexOf("log_depth_of_focus_nm")])).isCloseTo(0.5 * 13.5 / (0.33 * 0.33), within(1e-9));
        assertThat(r[FeatureEncoder.NAMES.indexOf("na_x_dose")]).isCloseTo(9.9, within(1e-9));
        assertThat(r[FeatureEncoder.NAMES.indexOf("mtf_pattern")]).isCloseTo(FeatureEncoder.mtf(1 / 1.6), within(1e-12));
    }

    @Test
    void scalerFittedOnTrainingDataStandardisesIt() {
        Random rnd = new Random(1);
        List<JobParameters> jobs = new ArrayList<>();
        double[] k1 = new double[300];
        for (int i = 0; i < 300; i++) {
            JobParameters p = new JobParameters(null, 0.1 + 0.45 * rnd.nextDouble(), 13.5, 1 + 99 * rnd.nextDouble(),
                    0.5, 30.0, 1.0, null, null, 1 + rnd.nextInt(20), null, null, null, null);
            jobs.add(p);
            k1[i] = 0.25 + 0.01 * p.jobClass();
        }
        FeatureEncoder e = FeatureEncoder.fit(jobs, k1);
        assertThat(e.k1ByClass()[7]).isCloseTo(0.32, within(1e-12));
        double[] mean = new double[FeatureEncoder.size()];
        for (JobParameters p : jobs) {
            double[] x = e.encode(p);
            for (int j = 0; j < x.length; j++) {
                mean[j] += x[j] / jobs.size();
            }
        }
        for (double m : mean) {
            assertThat(m).isCloseTo(0, within(1e-9));
        }
        // Constant features (wavelength here) have std 1 and encode to 0, never NaN.
        assertThat(e.encode(jobs.getFirst())[1]).isZero();
    }
}
