package dev.lto.engine.models;

import dev.lto.engine.evaluation.Evaluation;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import dev.lto.engine.training.EnsembleTrainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.contracts.JobParameters;
import dev.lto.simulator.spi.LiteEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The cascade's routing on the fake adapter, whose physics-lite is wrong (and says so) only near the yield cliff. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CascadeTest {

    List<CampaignSample> data;
    EnsembleTrainer.Trained trained;
    final FakePhysics fake = new FakePhysics();
    final Function<List<JobParameters>, List<Optional<LiteEstimate>>> liteOf =
            jobs -> jobs.stream().map(fake::estimateSignals).toList();

    @BeforeAll
    void train() {
        data = TestData.samples(450, 33);
        trained = EnsembleTrainer.train("vcascade", data, TestData.smallModels(), Set.of("defocus_nm"), TestData.composer());
    }

    @AfterAll
    void close() {
        trained.model().close();
    }

    @Test
    void confidentJobsStayWithTheFirstStageAndTheRestGoToPhysicsLite() {
        List<JobParameters> jobs = EnsembleTrainer.params(EnsembleTrainer.of(data, Split.TEST));
        List<Estimate> fs = trained.model().predict(jobs);
        // The fake is smooth enough that the tuned threshold keeps every job: route at the median uncertainty instead.
        double median = fs.stream().mapToDouble(Estimate::uncertainty).sorted().toArray()[fs.size() / 2];
        TradeoffModel model = trained.model().withCalibration(trained.model().calibration.withRoute(median, "test: median"));
        Cascade cascade = new Cascade(model, trained.lite());
        int before = fake.liteCalls.get();
        List<Estimate> out = cascade.predict(jobs, liteOf);
        int routed = 0;
        for (int i = 0; i < jobs.size(); i++) {
            boolean confident = fs.get(i).uncertainty() < median && !fs.get(i).outOfDistribution() && !fs.get(i).mayBeCritical();
            assertThat(out.get(i).stage()).as("job %d", i).isEqualTo(confident ? Stage.FIRST_STAGE : Stage.PHYSICS_LITE);
            if (confident) {
                assertThat(out.get(i).score()).isEqualTo(fs.get(i).score());
                assertThat(out.get(i).recommendPhysics()).isFalse();
            } else {
                routed++;
                assertThat(out.get(i).score()).isEqualTo(fake.estimateSignals(jobs.get(i)).orElseThrow().signals().toArray());
            }
        }
        // Only the routed jobs paid for a physics-lite run (each test-side re-check above adds one more).
        assertThat(fake.liteCalls.get() - before).isEqualTo(2 * routed);
        assertThat(out.stream().filter(e -> e.stage() == Stage.FIRST_STAGE).count()).isGreaterThan(0);
        assertThat(routed).isGreaterThan(0);
    }

    @Test
    void theRoutingThresholdStopsBelowTheFirstCriticalMissAndKeepsTheAccuracyAskedFor() {
        // Eight jobs by rising uncertainty: 0.01 … 0.08; the job at 0.05 is critical and missed, the one at 0.03 is a miss too.
        List<Estimate> est = new ArrayList<>();
        List<CampaignSample> val = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            double u = 0.01 * (i + 1);
            double[] y = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
            double[] pred = y.clone();
            if (i == 2 || i == 4) {
                pred[0] = 0.6;
            }
            est.add(new Estimate(pred, pred, pred, u, 1, false, false, false, false, Stage.FIRST_STAGE, List.of(), 1, false));
            val.add(new CampaignSample("v", i, "base", Split.VALIDATION, JobParameters.of(0.33, 30), y, 0.4, i == 4, "fake", 0,
                    null, null));
        }
        // Pair accuracy over the kept prefix: 1, 1, 17/18, 23/24, then the critical miss stops it.
        assertThat(EnsembleTrainer.routeThreshold(est, val, new ModelSettings.Cascade(0.95, 0.002, true, 0.05)).threshold())
                .isCloseTo(0.045, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(EnsembleTrainer.routeThreshold(est, val, new ModelSettings.Cascade(0.999, 0.002, true, 0.05)).threshold())
                .isCloseTo(0.025, org.assertj.core.api.Assertions.within(1e-12));
        val.set(0, new CampaignSample("v", 0, "base", Split.VALIDATION, JobParameters.of(0.33, 30),
                new double[] {0.9, 0.5, 0.5, 0.5, 0.5, 0.5}, 0.4, true, "fake", 0, null, null));
        assertThat(EnsembleTrainer.routeThreshold(est, val, new ModelSettings.Cascade(0.95, 0.002, true, 0.05)).threshold()).isZero();
    }

    @Test
    void physicsIsRecommendedWherePhysicsLiteMayBeWrongAndNowhereElse() {
        Cascade liteOnly = new Cascade(null, trained.lite(), TestData.composer());
        JobParameters cliff = JobParameters.of(0.33, 1.8);
        JobParameters easy = JobParameters.of(0.33, 40);
        List<Estimate> e = liteOnly.predict(List.of(cliff, easy), liteOf);
        assertThat(e).allMatch(x -> x.stage() == Stage.PHYSICS_LITE);
        assertThat(e.get(0).recommendPhysics()).as(trained.lite().flagThresholdSource()).isTrue();
        assertThat(e.get(0).reasons()).singleElement().asString().contains("physics-lite may be wrong on yield_risk");
        assertThat(e.get(1).recommendPhysics()).isFalse();
        assertThat(e.get(1).reasons()).isEmpty();
        // A real miss, which is why the flag matters: physics-lite is off by more than the tolerance there.
        double truth = FakePhysics.signals(cliff).yieldRisk();
        assertThat(Math.abs(e.get(0).score()[4] - truth)).isGreaterThan(0.05);
    }

    @Test
    void metadataTheFirstStageNeverSawGoesToPhysicsLiteWithItsReason() {
        Cascade cascade = new Cascade(trained.model(), trained.lite());
        JobParameters defocus = new JobParameters(null, 0.33, null, 30.0, null, null, null, null, null, null, null, null, null,
                Map.of("defocus_nm", 40));
        Estimate e = cascade.predict(List.of(defocus), liteOf).getFirst();
        assertThat(e.stage()).isEqualTo(Stage.PHYSICS_LITE);
        assertThat(e.recommendPhysics()).isTrue();
        assertThat(e.reasons()).anyMatch(r -> r.contains("metadata [defocus_nm]"));
    }

    @Test
    void anAdapterWithoutPhysicsLiteDegradesToTheFirstStageWithHonestFlags() {
        Cascade cascade = new Cascade(trained.model(), trained.lite());
        List<JobParameters> jobs = new ArrayList<>(EnsembleTrainer.params(EnsembleTrainer.of(data, Split.TEST)));
        jobs.add(new JobParameters(null, 0.33, null, 30.0, null, null, null, null, null, null, null, null, null,
                Map.of("defocus_nm", 40)));
        List<Estimate> out = cascade.predict(jobs, routed -> routed.stream().map(j -> Optional.<LiteEstimate>empty()).toList());
        List<Estimate> fs = trained.model().predict(jobs);
        for (int i = 0; i < jobs.size(); i++) {
            assertThat(out.get(i).stage()).isEqualTo(Stage.FIRST_STAGE);
            assertThat(out.get(i).score()).isEqualTo(fs.get(i).score());
            assertThat(out.get(i).recommendPhysics()).isEqualTo(fs.get(i).recommendPhysics());
            assertThat(out.get(i).reasons().isEmpty()).isEqualTo(!fs.get(i).recommendPhysics());
        }
        assertThat(out.getLast().reasons()).anyMatch(r -> r.contains("no physics-lite estimator is available"));
        // With neither a first stage nor physics-lite nothing can answer: 503, not a crash.
        assertThatThrownBy(() -> new Cascade(null, trained.lite(), TestData.composer()).predict(List.of(JobParameters.of(0.33, 30)),
                routed -> routed.stream().map(j -> Optional.<LiteEstimate>empty()).toList()))
                .isInstanceOf(ModelUnavailableException.class);
    }

    @Test
    void theJobLevelRuleFlagsAboutOneSoundJobInTwentyWhereTheOldRuleFlaggedMore() {
        // Held-out jobs of a larger fake campaign: the chance flag rate the docs state (5%) is measured, not assumed.
        List<CampaignSample> more = TestData.samples(1500, 77);
        Cascade cascade = new Cascade(trained.model(), trained.lite());
        List<CampaignSample> held = more.stream().filter(s -> s.split() == Split.TEST || s.split() == Split.VALIDATION).toList();
        ModelMetrics m = Evaluation.evaluateCascade(cascade, held, "held out", p -> Optional.empty());
        assertThat(held.size()).isGreaterThan(300);
        // 95% joint coverage: with n ≈ 370 the flag rate's sd is ≈ 1.1 points.
        assertThat(m.jobFlagRate()).isBetween(0.01, 0.09);
        assertThat(m.anySignalOutsideRate()).isGreaterThan(m.jobFlagRate());
        assertThat(trained.model().calibration.jobFactor()).isGreaterThan(1);
        assertThat(trained.lite().jobFactor()).isGreaterThan(0);
    }

    @Test
    void theCascadeIsEvaluatedWithTheSameRoutingAsServing() {
        Cascade cascade = new Cascade(trained.model(), trained.lite());
        List<CampaignSample> test = EnsembleTrainer.of(data, Split.TEST);
        ModelMetrics m = Evaluation.evaluateCascade(cascade, test, "test", p -> Optional.empty());
        long first = cascade.predict(EnsembleTrainer.params(test), liteOf).stream().filter(e -> e.stage() == Stage.FIRST_STAGE).count();
        assertThat(m.answeredBy().get("first_stage")).isCloseTo((double) first / test.size(), org.assertj.core.api.Assertions.within(1e-5));
        assertThat(m.gates()).extracting(ModelMetrics.Gate::name).contains("physics_recommended");
    }
}
