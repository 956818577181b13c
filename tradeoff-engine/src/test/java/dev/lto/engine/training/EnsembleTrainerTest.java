package dev.lto.engine.training;

import dev.lto.engine.drift.BinnedReference;
import dev.lto.engine.drift.DriftReference;
import dev.lto.engine.drift.Psi;
import dev.lto.engine.drift.TrainingReference;
import dev.lto.engine.evaluation.Evaluation;
import dev.lto.engine.features.FeatureEncoder;
import dev.lto.engine.models.Cascade;
import dev.lto.engine.models.Estimate;
import dev.lto.engine.models.TradeoffModel;
import dev.lto.engine.registry.ModelCard;
import dev.lto.engine.registry.ModelStore;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.models.TestData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.JobParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Trains a small ensemble once on a smooth fake simulator and checks what the issue asks of it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnsembleTrainerTest {

    List<CampaignSample> data;
    EnsembleTrainer.Trained trained;

    @BeforeAll
    void train() {
        data = TestData.samples(450, 21);
        trained = EnsembleTrainer.train("vtest", data, TestData.smallModels(), Set.of("defocus_nm"), TestData.composer());
    }

    @AfterAll
    void close() {
        trained.model().close();
    }

    @Test
    void learnsASmoothSimulatorAndMeasuresItOnTheTestSplit() {
        ModelMetrics m = trained.metrics();
        long testJobs = data.stream().filter(s -> s.split() == dev.lto.engine.data.Split.TEST).count();
        assertThat(m.jobs()).isEqualTo((int) testJobs);
        // Mean absolute errors on a smooth 9-parameter function from 330 training jobs: far better than a constant.
        assertThat(m.perSignal().get("yield_risk").mae()).isLessThan(0.06);
        assertThat(m.accuracy()).isGreaterThan(0.75);
        // ~90 test jobs × 6 signals: split conformal at 95% must land near 95% (binomial sd ≈ 1%).
        assertThat(m.coverage()).isBetween(0.89, 0.995);
        assertThat(m.meanIntervalWidth()).isLessThan(0.4);
        assertThat(m.gates()).extracting(ModelMetrics.Gate::name)
                .contains("accuracy", "critical_accuracy", "coverage_95", "missed_critical", "held_out_jobs");
        // ~90 held-out jobs cannot pass the ≥ 1000-job evidence gate, so this model must not claim all gates.
        assertThat(m.allGatesPassed()).isFalse();
    }

    @Test
    void onJobsItNeverSawACriticalMissGoesUnflaggedOnlyWhereItsIntervalMissesToo() {
        // τ is tuned on VALIDATION so that no validation critical miss goes unflagged: true there by construction,
        // so it is not checked there. On jobs the model never saw (a fresh campaign of the same design: the TEST
        // split holds only ~10 critical jobs) the guarantee that carries over is this one: τ ≤ 0.05, the miss
        // tolerance, so an unflagged job's intervals are all narrower than 0.05 and a critical miss it leaves
        // unflagged lies outside its 95% interval on the signal it missed (asserted per job). How many there are is
        // measured, not guaranteed: conformal allows 5% per signal outside over all jobs, not per subgroup, and
        // critical jobs are the hardest. Measured: 6 unflagged of 549 critical jobs (1.1%; 11 critical misses in
        // all); the test holds it to the 5% of a single signal's miscoverage.
        TradeoffModel model = trained.model();
        assertThat(model.calibration.flagThreshold()).isGreaterThan(0).isLessThanOrEqualTo(Evaluation.TOLERANCE);
        List<CampaignSample> heldOut = TestData.samples(4000, 1021);
        List<Estimate> est = model.predict(EnsembleTrainer.params(heldOut));
        int critical = 0;
        int misses = 0;
        int unflagged = 0;
        for (int i = 0; i < heldOut.size(); i++) {
            CampaignSample s = heldOut.get(i);
            Estimate e = est.get(i);
            if (!s.critical()) {
                continue;
            }
            critical++;
            if (EnsembleTrainer.maxError(e.score(), s.signals()) <= Evaluation.TOLERANCE) {
                continue;
            }
            misses++;
            if (e.recommendPhysics()) {
                continue;
            }
            unflagged++;
            assertThat(e.uncertainty()).as("held-out job %d", i).isLessThan(model.calibration.flagThreshold());
            boolean outside = false;
            for (int j = 0; j < 6; j++) {
                boolean missed = Math.abs(e.score()[j] - s.signals()[j]) > Evaluation.TOLERANCE;
                outside |= missed && (s.signals()[j] < e.low()[j] || s.signals()[j] > e.high()[j]);
            }
            assertThat(outside).as("unflagged critical miss %d lies outside its interval", i).isTrue();
        }
        assertThat(critical).as("enough critical jobs to measure a rate").isGreaterThan(400);
        assertThat(misses).as("the rate is measured on real misses").isPositive();
        assertThat((double) unflagged / critical).as("%d unflagged of %d critical jobs (%d misses)", unflagged, critical, misses)
                .isLessThanOrEqualTo(0.05);
    }

    @Test
    void intervalsHoldTheScoreAndUnmodelledMetadataOrFarInputsRecommendPhysics() {
        TradeoffModel model = trained.model();
        JobParameters plain = JobParameters.of(0.33, 30);
        JobParameters defocus = new JobParameters(null, 0.33, null, 30.0, null, null, null, null, null, null, null, null, null,
                Map.of("defocus_nm", 40));
        List<Estimate> e = model.predict(List.of(plain, defocus));
        for (int j = 0; j < 6; j++) {
            assertThat(e.get(0).low()[j]).isLessThanOrEqualTo(e.get(0).score()[j]);
            assertThat(e.get(0).high()[j]).isGreaterThanOrEqualTo(e.get(0).score()[j]);
        }
        assertThat(e.get(1).unmodelledMetadata()).isTrue();
        assertThat(e.get(1).recommendPhysics()).isTrue();
        // Far outside the sampled wavelengths and classes, Mahalanobis flags it even though the contract allows it.
        JobParameters odd = new JobParameters(null, 0.1, 400.0, 1.0, 0.1, 200.0, 10.0, null, null, 20, null, null, null, null);
        Estimate o = model.predict(List.of(odd)).getFirst();
        assertThat(o.mahalanobis2()).isGreaterThan(e.get(0).mahalanobis2());
    }

    @Test
    void modelCardReportsEveryGateEachStageAndNamesTheFailures() {
        ModelStore.Metadata md = new ModelStore.Metadata("vtest", java.time.Instant.now(), trained.trainingSamples(),
                trained.campaigns(), trained.trainSeconds(), FeatureEncoder.NAMES, List.of(),
                trained.model().targets(), Map.of("xgboost", "test"), Map.of());
        List<CampaignSample> test = EnsembleTrainer.of(data, dev.lto.engine.data.Split.TEST);
        Cascade cascade = new Cascade(trained.model(), trained.lite());
        ModelMetrics m = Evaluation.evaluateCascade(cascade, test, "test", p -> java.util.Optional.empty());
        ModelMetrics first = Evaluation.evaluateFirstStage(trained.model(), test, "test");
        ModelMetrics lite = Evaluation.evaluateLite(trained.lite(), TestData.composer(), test, "test");
        String card = ModelCard.render(cascade, md, m, first, lite, List.of(), "test");
        for (ModelMetrics.Gate g : m.gates()) {
            assertThat(card).contains("| " + g.name() + " | " + g.target() + " | " + g.measured() + " | " + (g.passed() ? "pass" : "**FAIL**"));
        }
        // ~90 held-out jobs cannot pass the ≥ 1000-job evidence gate: the card says which gates failed, with the numbers.
        assertThat(m.allGatesPassed()).isFalse();
        assertThat(card).contains("Failed: ").contains("held_out_jobs " + m.jobs() + " against ≥ 1000");
        assertThat(card).contains("| first stage alone | " + first.jobs() + " | " + ModelCard.pct(first.accuracy()))
                .contains("| physics-lite alone | " + lite.jobs() + " | " + ModelCard.pct(lite.accuracy()))
                .contains("| **cascade** | " + m.jobs() + " | " + ModelCard.pct(m.accuracy()));
    }

    @Test
    void shapImportanceIsNormalisedAndSortedLargestFirst() {
        Map<String, Double> imp = trained.model().importance(List.of(JobParameters.of(0.33, 3)));
        assertThat(imp).hasSize(FeatureEncoder.size());
        assertThat(imp.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1, within(1e-3));
        List<Double> v = List.copyOf(imp.values());
        for (int i = 1; i < v.size(); i++) {
            assertThat(v.get(i)).isLessThanOrEqualTo(v.get(i - 1));
        }
        // The fake's yield risk and fidelity are driven by dose: a dose feature must rank near the top.
        assertThat(List.copyOf(imp.keySet()).subList(0, 5)).containsAnyOf("dose_mj_cm2", "log_dose", "na_x_dose", "log_photons_per_cd2");
    }

    @Test
    void storeRoundTripsTheModelAndRejectsATamperedArtifact(@TempDir Path dir) throws Exception {
        ModelStore store = new ModelStore(dir, JsonMapper.builder().build());
        Path saved = store.save(trained, TestData.smallModels());
        assertThat(Files.readString(saved.resolve("metadata.json"))).contains("sha256").doesNotContain("\"sha256\" : { }");
        List<JobParameters> probe = EnsembleTrainer.params(data.subList(0, 20));
        ModelStore.Loaded loaded = store.load(saved, Set.of("defocus_nm"), TestData.composer());
        try {
            TradeoffModel.Components a = trained.model().components(probe);
            TradeoffModel.Components b = loaded.model().components(probe);
            for (int i = 0; i < probe.size(); i++) {
                for (int j = 0; j < a.xgb()[i].length; j++) {
                    assertThat(b.xgb()[i][j]).isEqualTo(a.xgb()[i][j]);
                    assertThat(b.gpMean()[i][j]).isCloseTo(a.gpMean()[i][j], within(1e-9));
                    // The MC-dropout masks are fixed per model: the loaded MLP answers exactly as the trained one.
                    assertThat(b.mlpMean()[i][j]).isCloseTo(a.mlpMean()[i][j], within(1e-6));
                }
            }
            assertThat(loaded.model().calibration.conformalQ()).isEqualTo(trained.model().calibration.conformalQ());
            assertThat(loaded.model().targets()).isEqualTo(dev.lto.simulator.spi.SignalIntermediates.NAMES);
            assertThat(loaded.lite().conformalQ()).isEqualTo(trained.lite().conformalQ());
            assertThat(loaded.lite().flagThreshold()).isEqualTo(trained.lite().flagThreshold());
            assertThat(b.signals()[0]).containsExactly(a.signals()[0], within(1e-6));
        } finally {
            loaded.model().close();
        }
        Files.write(saved.resolve("calibration.json"), "{}".getBytes());
        assertThatThrownBy(() -> store.load(saved, Set.of(), TestData.composer())).hasMessageContaining("sha256");
    }

    @Test
    void theDriftReferenceIsStoredWithTheArtifactAndReadBackUnchanged(@TempDir Path dir) throws Exception {
        // Built as the engine builds it at training time: inputs of every job, the cascade's answers on the held-out ones.
        List<CampaignSample> heldOut = TrainingReference.heldOut(data);
        List<double[]> answers = new Cascade(trained.model(), trained.lite())
                .predict(EnsembleTrainer.params(heldOut), routed -> routed.stream().map(q -> java.util.Optional.<dev.lto.simulator.spi.LiteEstimate>empty()).toList())
                .stream().map(Estimate::score).toList();
        DriftReference built = TrainingReference.fit(data, answers, DriftReference.DEFAULT_BINS);
        assertThat(built.features()).hasSize(TrainingReference.INPUTS.size() + 6);
        assertThat(built.feature("dose_mj_cm2").orElseThrow().size()).isEqualTo(data.size());
        assertThat(built.feature("yield_risk").orElseThrow().size()).isEqualTo(heldOut.size());

        ModelStore store = new ModelStore(dir, JsonMapper.builder().build());
        Path saved = store.save(trained, TestData.smallModels(), built);
        assertThat(Files.readString(saved.resolve("metadata.json"))).contains("\"drift.json\"");
        DriftReference stored = store.driftReference(saved).orElseThrow();
        assertThat(stored).isEqualTo(built);
        // The same window gets the same PSI from the reloaded reference, feature by feature.
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        Map<String, double[]> window = TrainingReference.inputColumns(
                java.util.stream.IntStream.range(0, 300).mapToObj(k -> data.get(rng.nextInt(data.size())).parameters()).toList());
        window.putAll(TrainingReference.signalColumns(answers.subList(0, Math.min(100, answers.size()))));
        for (BinnedReference f : built.features()) {
            assertThat(Psi.of(stored.feature(f.feature()).orElseThrow(), window.get(f.feature())))
                    .as(f.feature()).isEqualTo(Psi.of(f, window.get(f.feature())));
        }

        // An artifact saved before references were stored has none; an altered drift.json is refused.
        Path older = new ModelStore(dir.resolve("older"), JsonMapper.builder().build()).save(trained, TestData.smallModels());
        assertThat(new ModelStore(dir.resolve("older"), JsonMapper.builder().build()).driftReference(older)).isEmpty();
        Files.writeString(saved.resolve("drift.json"), Files.readString(saved.resolve("drift.json")).replaceFirst("0\\.", "0.9"));
        assertThatThrownBy(() -> store.driftReference(saved)).hasMessageContaining("sha256");
    }
}
