package dev.lto.intelligence.models;

import dev.lto.testsupport.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lto.contracts.JobParameters;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.lifecycle.LifecycleConflict;
import dev.lto.engine.lifecycle.ModelLifecycle;
import dev.lto.engine.lifecycle.Retraining;
import dev.lto.engine.models.FakePhysics;
import dev.lto.engine.models.TestData;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.registry.ModelStore;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.campaign.DuckDbTestSupport;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Retrain runs on the real registry, artifact store, campaign store and training buffer (DuckDB in a
 * temp dir) with a fake clock: one run at a time (409 with the running id), the data and its provenance
 * (campaign jobs + buffer jobs held out), the offline gates and "not worse than production", discarded
 * with reasons or shadow, each announced.
 */
class RetrainingTest {

    private static final Instant T0 = Instant.parse("2026-06-01T08:00:00Z");
    private final FakePhysics fake = new FakePhysics();
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aRunTrainsOnTheServingCampaignWithBufferJobsHeldOutAndIsDiscardedWithItsReasons(@TempDir Path dir) {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            new ResourceDatabasePopulator(new ClassPathResource("schema-pipeline.sql")).execute(ds);
            MutableClock clock = new MutableClock(T0);
            JdbcClient jdbc = JdbcClient.create(ds);
            ModelRegistry registry = new ModelRegistry(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)), clock);
            SimulatorAdapters adapters = new SimulatorAdapters(List.of(fake));
            CampaignStore campaigns = DuckDbTestSupport.store(jdbc);
            // First start without reference data: a 300-job bootstrap campaign of the fake adapter, v1 serves.
            ModelService service = new ModelService(ModelProperties.of(TestData.smallModels(),
                    new ModelProperties.Bootstrap(true, 300, 1)), DuckDbTestSupport.spec(300, 1),
                    DuckDbTestSupport.campaign(fake, campaigns), new ModelStore(dir, json), registry,
                    DuckDbTestSupport.reference(jdbc, campaigns, adapters), adapters, "");
            service.loadOrBootstrap();
            assertThat(service.currentVersion()).isEqualTo("v1");
            String campaign = service.servingCampaigns().getFirst();
            int campaignJobs = campaigns.load(campaign).size(); // 300 and the critical top-up
            int campaignTest = (int) campaigns.load(campaign).stream().filter(s -> s.split() == Split.TEST).count();

            // 30 completed jobs in the training buffer, and one without k₁ (skipped).
            SplittableRandom r = new SplittableRandom(11);
            for (int i = 0; i < 31; i++) {
                JobParameters p = TestData.randomJob(r, "done_" + i);
                jdbc.sql("INSERT INTO training_buffer (job_id, added_at, adapter_type, parameters, signals, k1, anomaly)"
                                + " VALUES (?, ?, 'fake', ?, ?, ?, false)")
                        .params(p.jobId(), Timestamp.from(T0.plusSeconds(i)), json.writeValueAsString(p),
                                json.writeValueAsString(FakePhysics.signals(p)), i == 30 ? null : FakePhysics.k1(p)).update();
            }
            List<ModelLifecycle.Announcement> announced = new CopyOnWriteArrayList<>();
            Retraining retraining = new Retraining(service.engine(), registry, jdbc, json, clock, 0.005,
                    new RetrainData(service, campaigns, jdbc, json, DuckDbTestSupport.spec(300, 1).split()), announced::add);

            Retraining.Run started = retraining.start("api", "alice", "new resist batch");
            assertThat(started.state()).isEqualTo(Retraining.State.RUNNING);
            assertThatThrownBy(() -> retraining.start("api", "bob", "again"))
                    .isInstanceOfSatisfying(LifecycleConflict.class,
                            e -> assertThat(e.details()).containsEntry("running_id", started.runId()));
            Retraining.Run done = await(retraining, started.runId());

            assertThat(done.state()).isEqualTo(Retraining.State.DISCARDED);
            assertThat(done.requestedBy()).isEqualTo("alice");
            assertThat(done.reason()).isEqualTo("new resist batch");
            assertThat(done.candidateVersion()).isEqualTo("v2");
            assertThat(done.productionVersion()).isEqualTo("v1");
            Retraining.Provenance p = done.provenance();
            assertThat(p.campaigns()).containsExactly(campaign);
            assertThat(p.campaignJobs()).isEqualTo(campaignJobs);
            assertThat(p.bufferJobs()).isEqualTo(30);
            assertThat(p.bufferJobsSkipped()).isEqualTo(1);
            assertThat(p.bufferFrom()).isEqualTo(T0);
            assertThat(p.bufferTo()).isEqualTo(T0.plusSeconds(29));
            // The held-out gate counts the campaign's TEST jobs and the buffer's jobs.
            assertThat(gate(done, "held_out_jobs").measured()).isEqualTo(String.valueOf(campaignTest + 30));
            assertThat(gate(done, Retraining.NOT_WORSE).measured()).contains("on " + (campaignTest + 30) + " held-out jobs");
            assertThat(done.reasons()).anyMatch(x -> x.startsWith("held_out_jobs"));
            assertThat(registry.find("v2").orElseThrow().status()).isEqualTo("discarded");
            ModelRegistry.Deployment last = registry.deployments().getLast();
            assertThat(last.event()).isEqualTo("discarded");
            assertThat(last.reason()).contains("held_out_jobs");
            assertThat(announced).singleElement().satisfies(a -> assertThat(a.message()).contains("v2 discarded", "held_out_jobs"));
            assertThat(service.currentVersion()).isEqualTo("v1");
            // Read back from the table as stored (a new instance: nothing in memory).
            assertThat(new Retraining(service.engine(), registry, jdbc, json, clock, 0.005, null, a -> { })
                    .find(started.runId()).orElseThrow()).isEqualTo(done);
        } finally {
            ds.destroy();
        }
    }

    @Test
    void bufferJobsWithIntermediatesAreSplitByJobIdAndTheCandidateLearnsTheShiftedJobs(@TempDir Path dir) {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            new ResourceDatabasePopulator(new ClassPathResource("schema-pipeline.sql")).execute(ds);
            // Run twice, as a restart of the service does: the column is added once, rows survive.
            new ResourceDatabasePopulator(new ClassPathResource("schema-pipeline.sql")).execute(ds);
            MutableClock clock = new MutableClock(T0);
            JdbcClient jdbc = JdbcClient.create(ds);
            ModelRegistry registry = new ModelRegistry(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)), clock);
            SimulatorAdapters adapters = new SimulatorAdapters(List.of(fake));
            CampaignStore campaigns = DuckDbTestSupport.store(jdbc);
            ModelService service = new ModelService(ModelProperties.of(TestData.smallModels(),
                    new ModelProperties.Bootstrap(true, 300, 1)), DuckDbTestSupport.spec(300, 1),
                    DuckDbTestSupport.campaign(fake, campaigns), new ModelStore(dir, json), registry,
                    DuckDbTestSupport.reference(jdbc, campaigns, adapters), adapters, "");
            service.loadOrBootstrap();
            String campaign = service.servingCampaigns().getFirst();
            int campaignTrain = (int) campaigns.load(campaign).stream().filter(s -> s.split() == Split.TRAIN).count();
            var fractions = DuckDbTestSupport.spec(300, 1).split();

            // The fab moved: 400 completed jobs from a corner of the design (EUV, high NA, low dose near the yield
            // cliff, fine grid), stored with their intermediates as the evaluation stage stores them, and 20 older
            // rows without (held out only).
            SplittableRandom r = new SplittableRandom(5);
            int[] expected = new int[Split.values().length];
            for (int i = 0; i < 420; i++) {
                JobParameters p = shiftedJob(r, "shifted_" + i);
                boolean withIntermediates = i >= 20;
                jdbc.sql("INSERT INTO training_buffer (job_id, added_at, adapter_type, parameters, signals, k1, anomaly, intermediates)"
                                + " VALUES (?, ?, 'fake', ?, ?, ?, false, ?::DOUBLE[])")
                        .params(p.jobId(), Timestamp.from(T0.plusSeconds(i)), json.writeValueAsString(p),
                                json.writeValueAsString(FakePhysics.signals(p)), FakePhysics.k1(p),
                                withIntermediates ? CampaignStore.list(CampaignStore.physical(FakePhysics.intermediates(p))) : null)
                        .update();
                expected[(withIntermediates ? RetrainData.split(p.jobId(), fractions) : Split.TEST).ordinal()]++;
            }
            Retraining retraining = new Retraining(service.engine(), registry, jdbc, json, clock, 0.005,
                    new RetrainData(service, campaigns, jdbc, json, fractions), a -> { });
            Retraining.Run done = await(retraining, retraining.start("drift", ModelRegistry.SYSTEM, "drift").runId());
            assertThat(done.state()).as("%s", done.reasons()).isNotEqualTo(Retraining.State.FAILED);

            Retraining.Provenance p = done.provenance();
            assertThat(p.bufferJobs()).isEqualTo(420);
            assertThat(p.bufferJobsWithoutIntermediates()).isEqualTo(20);
            assertThat(p.bufferSplits()).containsExactly(java.util.Map.entry("train", expected[0]),
                    java.util.Map.entry("calibration", expected[1]), java.util.Map.entry("validation", expected[2]),
                    java.util.Map.entry("test", expected[3]));
            // The campaign's fractions, near enough for 400 draws (binomial sd ≈ 10 jobs for the train share).
            assertThat(expected[0]).isBetween(180, 260);
            assertThat(expected[3]).isGreaterThan(20);
            // Deterministic: the same job id, the same split.
            assertThat(RetrainData.split("shifted_77", fractions)).isEqualTo(RetrainData.split("shifted_77", fractions));

            ModelStore store = new ModelStore(dir, json);
            ModelStore.Loaded production = store.load(store.dir("v1"), java.util.Set.of(), service.engine().composer());
            ModelStore.Loaded candidate = store.load(store.dir(done.candidateVersion()), java.util.Set.of(),
                    service.engine().composer());
            assertThat(candidate.metadata().trainingSamples()).isEqualTo(campaignTrain + expected[0]);
            assertThat(candidate.model().targets()).as("still structured: every job it trained on has intermediates")
                    .isEqualTo(production.model().targets());

            // On fresh jobs from the shifted corner, the candidate's first stage errs less than production's.
            List<JobParameters> fresh = java.util.stream.IntStream.range(0, 200)
                    .mapToObj(i -> shiftedJob(r, "fresh_" + i)).toList();
            double prodError = meanAbsoluteError(production.model(), fresh);
            double candError = meanAbsoluteError(candidate.model(), fresh);
            System.out.printf("shifted jobs: first-stage MAE production %.4f, candidate %.4f%n", prodError, candError);
            assertThat(candError).isLessThan(0.8 * prodError);
        } finally {
            ds.destroy();
        }
    }

    /** A corner of the design: EUV at high NA, dose on the yield cliff, fine grid, high sigma. */
    static JobParameters shiftedJob(SplittableRandom r, String id) {
        return new JobParameters(id, 0.45 + 0.1 * r.nextDouble(), 13.5, 1.2 + 1.8 * r.nextDouble(), 0.8 + 0.2 * r.nextDouble(),
                20 + 40 * r.nextDouble(), 0.1 + 0.4 * r.nextDouble(), dev.lto.contracts.PatternComplexity.values()[r.nextInt(4)],
                true, 1 + r.nextInt(20), null, null, "test", java.util.Map.of());
    }

    private static double meanAbsoluteError(dev.lto.engine.models.TradeoffModel model, List<JobParameters> jobs) {
        var estimates = model.predict(jobs);
        double sum = 0;
        for (int i = 0; i < jobs.size(); i++) {
            double[] truth = FakePhysics.signals(jobs.get(i)).toArray();
            for (int j = 0; j < truth.length; j++) {
                sum += Math.abs(estimates.get(i).score()[j] - truth[j]);
            }
        }
        return sum / (6.0 * jobs.size());
    }

    @Test
    void aCandidatePassingItsGatesIsShadowAndOneWorseThanProductionIsDiscarded(@TempDir Path dir) {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            MutableClock clock = new MutableClock(T0);
            JdbcClient jdbc = JdbcClient.create(ds);
            ModelRegistry registry = new ModelRegistry(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)), clock);
            ModelService service = new ModelPromotionTest().service(jdbc, registry, dir);
            List<CampaignSample> passing = ModelPromotionTest.passingCampaign();
            service.trainRegisterPromote(passing, "first");
            assertThat(service.currentVersion()).isEqualTo("v1");
            Retraining.Provenance prov = new Retraining.Provenance(List.of("passing"), passing.size(), 0, 0, null, null, null, null, "none");
            List<ModelLifecycle.Announcement> announced = new CopyOnWriteArrayList<>();

            Retraining retraining = new Retraining(service.engine(), registry, jdbc, json, clock, 0.005,
                    () -> new Retraining.TrainingData(passing, prov), announced::add);
            Retraining.Run shadow = await(retraining, retraining.start("schedule", ModelRegistry.SYSTEM, "every 24 h").runId());
            assertThat(shadow.state()).as("%s", shadow.reasons()).isEqualTo(Retraining.State.SHADOW);
            assertThat(shadow.gates()).extracting(ModelMetrics.Gate::name).contains("accuracy", "critical_accuracy",
                    "coverage_95", Retraining.NOT_WORSE);
            assertThat(shadow.gates()).allMatch(ModelMetrics.Gate::passed);
            assertThat(registry.find(shadow.candidateVersion()).orElseThrow().status()).isEqualTo("shadow");
            assertThat(service.currentVersion()).as("a shadow is never promoted by the run").isEqualTo("v1");
            assertThat(announced.getLast().message()).contains("shadow candidate");

            // Demanding 100 points over production: the same data cannot beat it, so the gate fails.
            Retraining strict = new Retraining(service.engine(), registry, jdbc, json, clock, -1.0,
                    () -> new Retraining.TrainingData(passing, prov), announced::add);
            Retraining.Run worse = await(strict, strict.start("api", "alice", "check").runId());
            assertThat(worse.state()).isEqualTo(Retraining.State.DISCARDED);
            assertThat(worse.reasons()).singleElement().asString().startsWith(Retraining.NOT_WORSE);
            assertThat(registry.find(worse.candidateVersion()).orElseThrow().status()).isEqualTo("discarded");
        } finally {
            ds.destroy();
        }
    }

    @Test
    void aRunCutOffByAStopReadsAsFailed(@TempDir Path dir) {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            JdbcClient jdbc = JdbcClient.create(ds);
            Retraining.Run cut = new Retraining.Run("retrain_1_x", "api", "alice", "why", Retraining.State.RUNNING,
                    "training on 10 jobs", T0, null, null, null, "v1", null, null, null);
            jdbc.sql("INSERT INTO model_retrain_runs (run_id, started_at, state, run) VALUES (?, ?, 'RUNNING', ?)")
                    .params(cut.runId(), Timestamp.from(T0), json.writeValueAsString(cut)).update();
            // A new process: nothing runs in memory.
            Retraining restarted = new Retraining(null, null, jdbc, json, new MutableClock(T0), 0.005, null, a -> { });
            Retraining.Run read = restarted.find(cut.runId()).orElseThrow();
            assertThat(read.state()).isEqualTo(Retraining.State.FAILED);
            assertThat(read.step()).startsWith("interrupted").contains("training on 10 jobs");
            assertThat(restarted.latest(5)).singleElement().extracting(Retraining.Run::state).isEqualTo(Retraining.State.FAILED);
            assertThat(restarted.running()).isEmpty();
        } finally {
            ds.destroy();
        }
    }

    private static Retraining.Run await(Retraining retraining, String runId) {
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> retraining.find(runId).orElseThrow().state() != Retraining.State.RUNNING);
        return retraining.find(runId).orElseThrow();
    }

    private static ModelMetrics.Gate gate(Retraining.Run run, String name) {
        return run.gates().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }
}
