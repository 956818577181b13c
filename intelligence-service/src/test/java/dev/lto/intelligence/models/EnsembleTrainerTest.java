package dev.lto.intelligence.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.JobParameters;
import dev.lto.intelligence.campaign.CampaignSample;
import dev.lto.intelligence.features.FeatureEncoder;
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
        trained = EnsembleTrainer.train("vtest", data, TestData.smallModels(), Set.of("defocus_nm"));
    }

    @AfterAll
    void close() {
        trained.model().close();
    }

    @Test
    void learnsASmoothSimulatorAndMeasuresItOnTheTestSplit() {
        ModelMetrics m = trained.metrics();
        long testJobs = data.stream().filter(s -> s.split() == dev.lto.intelligence.campaign.Split.TEST).count();
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
    void noValidationCriticalMissGoesUnflagged() {
        TradeoffModel model = trained.model();
        List<CampaignSample> val = EnsembleTrainer.of(data, dev.lto.intelligence.campaign.Split.VALIDATION);
        List<Estimate> est = model.predict(EnsembleTrainer.params(val));
        for (int i = 0; i < val.size(); i++) {
            boolean miss = val.get(i).critical() && EnsembleTrainer.maxError(est.get(i).score(), val.get(i).signals()) > 0.05;
            if (miss) {
                assertThat(est.get(i).recommendPhysics()).as("validation critical miss %d", i).isTrue();
            }
        }
        assertThat(model.calibration.flagThreshold()).isGreaterThan(0).isLessThanOrEqualTo(0.05);
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
    void modelCardReportsEveryGateAndExplainsEachFailureFromTheMeasurements() {
        ModelMetrics m = trained.metrics();
        ModelStore.Metadata md = new ModelStore.Metadata("vtest", java.time.Instant.now(), trained.trainingSamples(),
                trained.campaigns(), trained.trainSeconds(), FeatureEncoder.NAMES, List.of(), Map.of("xgboost", "test"), Map.of());
        List<CampaignSample> test = EnsembleTrainer.of(data, dev.lto.intelligence.campaign.Split.TEST);
        String card = ModelCard.render(trained.model(), md, m, test, List.of(), 1.5, "test");
        for (ModelMetrics.Gate g : m.gates()) {
            assertThat(card).contains("| " + g.name() + " | " + g.target() + " | " + g.measured() + " | " + (g.passed() ? "pass" : "**FAIL**"));
        }
        assertThat(card).contains("**This model does not meet the promotion gates.**")
                .contains("held_out_jobs: only " + m.jobs() + " test jobs exist");
        boolean everythingFlagged = m.missedCritical() == 0 && m.criticalMisses() > 0 && m.physicsRecommendedShare() >= 0.9;
        assertThat(card.contains("Note on missed_critical: it passes because physics is recommended")).isEqualTo(everythingFlagged);
        String best = m.componentAccuracy().entrySet().stream().filter(e -> !e.getKey().equals("ensemble"))
                .max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        if (!m.gates().stream().filter(g -> g.name().equals("accuracy")).findFirst().orElseThrow().passed()) {
            assertThat(card).contains("the best single component, " + best + ", " + ModelCard.pct(m.componentAccuracy().get(best)));
        }
        // Component accuracies are over all jobs: they must not be quoted as if they were critical-job figures.
        card.lines().filter(l -> l.startsWith("- critical_accuracy:"))
                .forEach(l -> assertThat(l).doesNotContain("best single component").doesNotContain("weakest signals"));
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
        ModelStore.Loaded loaded = store.load(saved, Set.of("defocus_nm"));
        try {
            TradeoffModel.Components a = trained.model().components(probe);
            TradeoffModel.Components b = loaded.model().components(probe);
            for (int i = 0; i < probe.size(); i++) {
                for (int j = 0; j < 6; j++) {
                    assertThat(b.xgb()[i][j]).isEqualTo(a.xgb()[i][j]);
                    assertThat(b.gpMean()[i][j]).isCloseTo(a.gpMean()[i][j], within(1e-9));
                    // The MC-dropout masks are fixed per model: the loaded MLP answers exactly as the trained one.
                    assertThat(b.mlpMean()[i][j]).isCloseTo(a.mlpMean()[i][j], within(1e-6));
                }
            }
            assertThat(loaded.model().calibration.conformalQ()).isEqualTo(trained.model().calibration.conformalQ());
        } finally {
            loaded.model().close();
        }
        Files.write(saved.resolve("calibration.json"), "{}".getBytes());
        assertThatThrownBy(() -> store.load(saved, Set.of())).hasMessageContaining("sha256");
    }
}
