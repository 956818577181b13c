package dev.lto.engine.models;

import dev.lto.engine.features.FeatureEncoder;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.training.EnsembleTrainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.JobParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The serving path (XGBoost trees, the MC-dropout MLP and the GP posterior in Java, batches split
 * across cores) must give what the libraries give: XGBoost's {@code inplace_predict}, the libtorch MLP
 * on the same trained model and the same dropout masks, and Smile's GP prediction. The Mahalanobis OOD
 * distance has no library path; it is checked against an identity of the covariance it was fitted with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServingPathTest {

    List<CampaignSample> data;
    List<JobParameters> jobs;
    TradeoffModel model;

    @BeforeAll
    void train() {
        data = TestData.samples(300, 33);
        model = EnsembleTrainer.train("vfast", data, TestData.smallModels(), Set.of("defocus_nm"), TestData.composer()).model();
        jobs = new ArrayList<>(EnsembleTrainer.params(data));
        // Far outside the training range too: the trees' extreme branches and saturated ReLUs.
        jobs.add(new JobParameters(null, 0.1, 400.0, 1.0, 0.1, 200.0, 10.0, null, null, 20, null, null, null, null));
        jobs.add(new JobParameters(null, 0.95, 10.0, 500.0, 1.0, 5.0, 0.01, null, null, 1, null, null, null, null));
    }

    @AfterAll
    void close() {
        model.close();
    }

    @Test
    void servesFromTheJavaCopiesAfterTheirLoadTimeCheck() {
        // Else the comparisons below would compare the libraries with themselves.
        assertThat(model.xgb.servesInJava()).isTrue();
        assertThat(model.mlp.servesInJava()).isTrue();
        assertThat(((SmileGaussianProcess) model.gp).fastPath()).isTrue();
    }

    @Test
    void gpServingPathGivesSmilesPosterior() {
        SmileGaussianProcess gp = (SmileGaussianProcess) model.gp;
        double[][] x = jobs.stream().map(model.encoder::encode).toArray(double[][]::new);
        int k = model.targets().size();
        double[][] mean = new double[x.length][k];
        double[][] sd = new double[x.length][k];
        double[][] smileMean = new double[x.length][k];
        double[][] smileSd = new double[x.length][k];
        gp.predict(x, mean, sd);
        gp.predictWithSmile(x, smileMean, smileSd);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < k; j++) {
                assertThat(mean[i][j]).as("mean, job %d signal %d", i, j).isCloseTo(smileMean[i][j], within(SmileGaussianProcess.SERVING_TOLERANCE));
                assertThat(sd[i][j]).as("sd, job %d signal %d", i, j).isCloseTo(smileSd[i][j], within(SmileGaussianProcess.SERVING_TOLERANCE));
            }
        }
        // The far jobs' posterior sd approaches the prior's: the variance term is really computed, not zero.
        assertThat(sd[x.length - 1][0]).isGreaterThan(sd[0][0]);
    }

    @Test
    void gpFallsBackToSmileWhenItsServingPathFailsTheCheck() {
        SmileGaussianProcess fast = (SmileGaussianProcess) model.gp;
        SmileGaussianProcess strict = fast.withTolerance(-1); // no difference is ≤ −1
        assertThat(strict.fastPath()).isFalse();
        double[][] x = jobs.stream().limit(5).map(model.encoder::encode).toArray(double[][]::new);
        int k = model.targets().size();
        double[][] smileMean = new double[x.length][k];
        double[][] smileSd = new double[x.length][k];
        fast.predictWithSmile(x, smileMean, smileSd);
        double[][] fastMean = new double[x.length][k];
        double[][] fastSd = new double[x.length][k];
        fast.predict(x, fastMean, fastSd);
        // The fast path agrees with Smile within the tolerance but not bit for bit: so bit-for-bit equality
        // below shows that the strict model really serves Smile's answer, not the fast path's.
        assertThat(fastMean).as("precondition").isNotEqualTo(smileMean);
        double[][] mean = new double[x.length][k];
        double[][] sd = new double[x.length][k];
        strict.predict(x, mean, sd);
        assertThat(mean).isDeepEqualTo(smileMean);
        assertThat(sd).isDeepEqualTo(smileSd);
    }

    @Test
    void theOodDistanceIsTheMahalanobisDistanceOfTheTrainingJobs() {
        // The serving path's OOD distance has no library counterpart here, but an identity of the sample
        // covariance S: over the n jobs it was fitted on, Σ (x−x̄)ᵀ S⁻¹ (x−x̄) = tr(S⁻¹ (n−1) S) = (n−1)·d
        // (d = 9 parameters; the 1e-6 ridge moves it by ~1e-6 relative). A wrong mean, inverse or quadratic form breaks it.
        List<JobParameters> train = EnsembleTrainer.params(EnsembleTrainer.of(data, dev.lto.engine.data.Split.TRAIN));
        double sum = 0;
        for (JobParameters p : train) {
            sum += model.ood.distance2(model.encoder.encode(p));
        }
        int d = FeatureEncoder.PARAMETER_COUNT;
        assertThat(model.ood.dims()).isEqualTo(d);
        assertThat(sum).isCloseTo((train.size() - 1.0) * d, within(1e-3 * train.size()));
        // And a job far outside the training data is far: the far jobs appended to the probe list.
        assertThat(model.ood.distance2(model.encoder.encode(jobs.getLast()))).isGreaterThan(model.ood.cutoff());
    }

    @Test
    void javaTreesGiveXgboostsPredictions() {
        int d = FeatureEncoder.size();
        float[] x = model.encoder.encodeRows(jobs);
        double[][] expected = model.xgb.predictNative(x, jobs.size());
        double[][] actual = model.xgb.predict(x, jobs.size());
        for (int i = 0; i < jobs.size(); i++) {
            for (int j = 0; j < actual[i].length; j++) {
                assertThat(actual[i][j]).as("job %d target %d", i, j).isCloseTo(expected[i][j], within(XgbSignals.AGREEMENT));
            }
        }
        // Random rows over ±3 sd of every feature, the all-mean row, and a row of missing values (default branches).
        float[] probes = XgbSignals.probes(500, d);
        assertThat(XgbSignals.maxAbsDifference(model.xgb.predictNative(probes, 500), model.xgb.predict(probes, 500)))
                .isLessThanOrEqualTo(XgbSignals.AGREEMENT);
    }

    @Test
    void javaMlpGivesLibtorchsMcDropoutMeanAndSpreadWithTheSameMasks() {
        int d = FeatureEncoder.size();
        float[] x = model.encoder.encodeRows(jobs);
        for (int passes : new int[] {model.calibration.mcPasses(), 100}) {
            double[][][] expected = model.mlp.predictLibtorch(x, jobs.size(), d, passes);
            double[][][] actual = model.mlp.predict(x, jobs.size(), d, passes);
            for (int i = 0; i < jobs.size(); i++) {
                for (int j = 0; j < actual[0][i].length; j++) {
                    assertThat(actual[0][i][j]).as("mean, job %d target %d, %d passes", i, j, passes)
                            .isCloseTo(expected[0][i][j], within(MlpSignals.AGREEMENT));
                    assertThat(actual[1][i][j]).as("sd, job %d signal %d, %d passes", i, j, passes)
                            .isCloseTo(expected[1][i][j], within(MlpSignals.AGREEMENT));
                }
            }
            // The passes really differ: a zero spread would mean the masks were not applied.
            assertThat(java.util.Arrays.stream(actual[1][0]).max().orElse(0)).isGreaterThan(1e-4);
        }
    }

    @Test
    void dropoutMasksDropThirtyPercentOfUnits() {
        // Bernoulli(keep = 0.7) per unit and pass: over 100 × 256 draws the dropped share is 0.3 ± 0.003 (1 sd).
        int[][] dropped = model.mlp.dropped(100, 256);
        int total = 0;
        for (int[] pass : dropped) {
            total += pass.length;
        }
        assertThat(total / (100.0 * 256)).isBetween(0.29, 0.31);
        assertThat(dropped[0]).isNotEqualTo(dropped[1]);
    }

    @Test
    void servingComponentsAndIntervalsMatchTheLibraryPath() {
        TradeoffModel.Components fast = model.components(jobs);
        TradeoffModel.Components ref = model.referenceComponents(jobs);
        List<Estimate> fastEst = model.estimates(jobs, fast);
        List<Estimate> refEst = model.estimates(jobs, ref);
        // The paths differ in XGBoost (Java trees vs inplace_predict) and the MLP (Java vs libtorch); the GP and the
        // OOD distance are the same code on both, so comparing them here would compare them with themselves (the GP
        // is compared with Smile above, the OOD distance with the covariance identity).
        for (int i = 0; i < jobs.size(); i++) {
            for (int j = 0; j < fast.ensemble()[i].length; j++) {
                assertThat(fast.ensemble()[i][j]).isCloseTo(ref.ensemble()[i][j], within(1e-5));
                assertThat(fast.scale()[i][j]).isCloseTo(ref.scale()[i][j], within(1e-5));
            }
            for (int j = 0; j < 6; j++) {
                assertThat(fastEst.get(i).low()[j]).isCloseTo(refEst.get(i).low()[j], within(1e-4));
                assertThat(fastEst.get(i).high()[j]).isCloseTo(refEst.get(i).high()[j], within(1e-4));
            }
        }
    }

    @Test
    void aBatchSplitAcrossCoresGivesEachJobItsOwnAnswer() {
        List<JobParameters> batch = new ArrayList<>();
        for (int i = 0; i < 3 * TradeoffModel.PARALLEL_ROWS + 7; i++) {
            batch.add(jobs.get(i % jobs.size()));
        }
        TradeoffModel.Components all = model.components(batch);
        for (int i : new int[] {0, 1, TradeoffModel.PARALLEL_ROWS, 2 * TradeoffModel.PARALLEL_ROWS + 3, batch.size() - 1}) {
            TradeoffModel.Components one = model.components(List.of(batch.get(i)));
            assertThat(all.ensemble()[i]).as("row %d", i).isEqualTo(one.ensemble()[0]);
            assertThat(all.scale()[i]).as("row %d", i).isEqualTo(one.scale()[0]);
            assertThat(all.mahalanobis2()[i]).isEqualTo(one.mahalanobis2()[0]);
        }
        assertThat(all.ensemble().length).isEqualTo(batch.size());
    }

    @Test
    void anObjectiveTheJavaTreesDoNotReproduceStaysOnXgboost() {
        int n = 80;
        int d = FeatureEncoder.size();
        float[] x = XgbSignals.probes(n, d);
        double[][] y = new double[n][2];
        for (int i = 0; i < n; i++) {
            y[i][0] = (i % 10) / 10.0;
            y[i][1] = 0.5;
        }
        ModelSettings.Xgboost poisson = new ModelSettings.Xgboost(20, 3, 0.3, 1, 1, 1, "count:poisson", 1);
        XgbSignals xgb = XgbSignals.train(x, n, d, y, poisson);
        try {
            assertThat(xgb.servesInJava()).isFalse();
            assertThat(xgb.predict(x, n)).isDeepEqualTo(xgb.predictNative(x, n));
        } finally {
            xgb.dispose();
        }
        assertThatThrownBy(() -> XgbForest.parse(List.of("{\"learner\":{}}".getBytes()), d))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
