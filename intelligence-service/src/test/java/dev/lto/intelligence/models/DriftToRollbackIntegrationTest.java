package dev.lto.intelligence.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.lifecycle.Retraining;
import dev.lto.engine.models.FakePhysics;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.campaign.DuckDbTestSupport;
import dev.lto.intelligence.drift.DriftMonitor;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.MutableClock;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model lifecycle end to end in the running service (DuckDB, Redis, the real pipeline, drift monitor,
 * retrain, shadow trial and lifecycle API; a fake clock; small models; shadow min-jobs 20): jobs submitted
 * on {@code lto.jobs.submitted} from a narrow corner of the design drift from v1's training reference →
 * {@code model_drift} on {@code lto.alerts} → the drift hook starts a retrain on the campaign + the buffered
 * jobs → the candidate passes the real offline gates and becomes the shadow → further jobs through the
 * pipeline score it → promoted → {@code POST /api/v1/models/rollback} brings v1 back, each step announced.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.jobs.default-adapter=fake",
        "lto.models.campaign.adapter=fake", // the engine's physics-lite and signal composer
        "lto.models.bootstrap.enabled=false", // v1 is trained below on a campaign that passes the gates
        "lto.models.xgboost.trees=30",
        "lto.models.mlp.max-epochs=20",
        "lto.models.mlp.patience=5",
        "lto.models.mlp.mc-passes=10",
        "lto.models.gp.subset=100",
        "lto.models.shadow.min-jobs=20",
        "lto.models.shadow.sync-interval=1s",
        "lto.models.retrain.cron=-",
        "lto.drift.interval=1h", // the test refreshes itself, once the window is full
        "lto.drift.simulations=4000",
        "lto.drift.min-window=50", // verdicts from 50 preflights: fewer jobs to submit (the threshold keeps its 1%)
        "lto.pipeline.cpu-slots=2",
        "lto.pipeline.preflight-retry-interval=1s"})
class DriftToRollbackIntegrationTest {

    private static final int MIN_JOBS = 20;
    static final MutableClock CLOCK = new MutableClock(Instant.now());

    @TestConfiguration
    static class Fakes {
        @Bean
        SimulatorInterface fakeSimulator() {
            return new FakePhysics();
        }

        @Bean
        Clock lifecycleClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-drift-rollback-test")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    ModelService models;
    @Autowired
    ModelRegistry registry;
    @Autowired
    CampaignStore campaigns;
    @Autowired
    DriftMonitor drift;
    @Autowired
    Retraining retraining;
    @Autowired
    EventPublisher publisher;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StringRedisTemplate redis;
    /** This test's alerts only (the shared test Redis holds other tests' too). */
    private final dev.lto.intelligence.AlertStream alertStream = dev.lto.intelligence.AlertStream.markNow();

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();
    private final SplittableRandom random = new SplittableRandom(2026);
    private int submitted;

    @Test
    void driftedJobsRaiseAnAlertThatRetrainsAShadowWhichIsPromotedAndRolledBack() throws Exception {
        long t0 = System.nanoTime();
        // v1: trained on a stored campaign that passes every gate (what a fab's production model is).
        List<CampaignSample> campaign = ModelPromotionTest.passingCampaign();
        DuckDbTestSupport.storeCampaign(jdbc, "passing", campaign);
        System.out.printf("e2e: campaign stored after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(models.trainRegisterPromote(campaign, "first model").allGatesPassed()).isTrue();
        assertThat(models.currentVersion()).isEqualTo("v1");
        assertThat(models.servingCampaigns()).containsExactly("passing");
        assertThat(campaigns.load("passing")).hasSize(campaign.size());
        System.out.printf("e2e: v1 serving after %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // 1. The fab's jobs move to one corner of the design: 60 through the whole pipeline.
        List<String> first = submitShifted(60);
        awaitDone(first);
        assertThat(jdbc.sql("SELECT count(*) FROM training_buffer WHERE intermediates IS NOT NULL").query(Long.class).single())
                .as("completed jobs buffered with their intermediates").isEqualTo(evaluated(first));
        System.out.printf("e2e: %d shifted jobs done after %.1f s%n", first.size(), (System.nanoTime() - t0) / 1e9);

        // 2. Drift: the refresh raises model_drift on lto.alerts and the drift hook starts a retrain run.
        DriftMonitor.DriftReport report = drift.refresh();
        assertThat(report.drifted()).as("%s", report.features()).contains("na", "dose_mj_cm2");
        assertThat(alerts()).anyMatch(a -> a.contains("model_drift") && a.contains("WARN") && a.contains("drift detected on"));
        Retraining.Run run = retraining.latest(1).getFirst();
        assertThat(run.trigger()).isEqualTo("drift");
        assertThat(run.reason()).startsWith("model_drift alert on ");
        Retraining.Run done = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> retraining.find(run.runId()).orElseThrow(), r -> r.state() != Retraining.State.RUNNING);
        assertThat(done.state()).as("%s", done.reasons()).isEqualTo(Retraining.State.SHADOW);
        String candidate = done.candidateVersion();
        assertThat(done.productionVersion()).isEqualTo("v1");
        assertThat(done.provenance().campaigns()).containsExactly("passing");
        assertThat(done.provenance().bufferJobs()).isEqualTo((int) evaluated(first));
        assertThat(done.provenance().bufferJobsWithoutIntermediates()).isZero();
        assertThat(done.provenance().bufferSplits().get("train")).as("the candidate learned from the drifted jobs").isPositive();
        assertThat(alerts()).anyMatch(a -> a.contains("model_lifecycle") && a.contains(candidate + " passed its offline gates"));
        System.out.printf("e2e: retrain %s -> %s after %.1f s%n", done.runId(), candidate, (System.nanoTime() - t0) / 1e9);

        // 3. Shadow: the scheduled sync loads it beside v1; jobs through the pipeline score it until it is judged.
        await().atMost(Duration.ofSeconds(30)).until(() -> models.engine().shadowVersion().filter(candidate::equals).isPresent());
        List<String> more = new ArrayList<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!candidate.equals(models.currentVersion()) && more.size() < 4 * MIN_JOBS) {
                more.addAll(submitShifted(5));
                awaitDone(more);
            }
            return candidate.equals(models.currentVersion());
        });
        JsonNode view = body(http.get("/api/v1/models"));
        assertThat(view.get("production").asString()).isEqualTo(candidate);
        assertThat(status(view, candidate)).isEqualTo("production");
        assertThat(status(view, "v1")).isEqualTo("retired");
        assertThat(view.get("rollback_candidate").get("version").asString()).isEqualTo("v1");
        ModelRegistry.Deployment promoted = registry.deployments().getLast();
        assertThat(promoted.event()).isEqualTo("production");
        assertThat(promoted.actor()).isEqualTo(ShadowTrial.ACTOR);
        assertThat(promoted.reason()).contains("shadow evaluation passed", "over " + MIN_JOBS + " evaluated jobs");
        assertThat(alerts()).anyMatch(a -> a.contains("model_lifecycle") && a.contains("promoted to production by " + ShadowTrial.ACTOR));
        System.out.printf("e2e: promoted after %d more jobs, %.1f s%n", more.size(), (System.nanoTime() - t0) / 1e9);

        // 4. A day later an admin rolls back: v1 serves again, the candidate retires, announced.
        CLOCK.advance(Duration.ofDays(1));
        HttpResponse<String> back = http.post("/api/v1/models/rollback", "{\"reason\":\"the retrained model misreads the new resist\"}");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(models.currentVersion()).isEqualTo("v1");
        view = body(http.get("/api/v1/models"));
        assertThat(view.get("production").asString()).isEqualTo("v1");
        assertThat(status(view, "v1")).isEqualTo("production");
        assertThat(status(view, candidate)).isEqualTo("retired");
        ModelRegistry.Deployment rolledBack = registry.deployments().getLast();
        assertThat(rolledBack.event()).isEqualTo("rollback");
        assertThat(rolledBack.actor()).isEqualTo(TestKeys.ownerOf("admin"));
        assertThat(rolledBack.occurredAt()).isEqualTo(CLOCK.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS)); // stored to µs
        assertThat(alerts()).anyMatch(a -> a.contains("model_lifecycle") && a.contains("INFO")
                && a.contains("rolled back to v1 by " + TestKeys.ownerOf("admin")));
        // Jobs decided after the rollback are v1's.
        List<String> after = submitShifted(3);
        awaitDone(after);
        assertThat(jdbc.sql("SELECT DISTINCT model_version FROM tradeoff_predictions WHERE prediction_type = 'preflight' AND job_id = ?")
                .param(after.getLast()).query(String.class).list()).containsExactly("v1");
        System.out.printf("e2e: whole chain %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Jobs from a narrow corner of the design (193 nm, NA ≈ 0.33, dose ≈ 30 mJ/cm²): sound, and far from uniform. */
    private List<String> submitShifted(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = String.format("job_drift%05d", submitted++);
            JobParameters p = new JobParameters(id, 0.30 + 0.06 * random.nextDouble(), 193.0, 25 + 10 * random.nextDouble(),
                    0.65 + 0.1 * random.nextDouble(), 55 + 10 * random.nextDouble(), 1.8 + 0.4 * random.nextDouble(),
                    PatternComplexity.MODERATE, true, 3, null, null, "drift-test", Map.of());
            publisher.publish("lto.jobs.submitted", EventEnvelope.of(EventTypes.JOB_SUBMITTED, id, "test",
                    new JobSubmitted(p, Instant.now(), null)));
            ids.add(id);
        }
        return ids;
    }

    private void awaitDone(List<String> ids) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> jdbc.sql("""
                        SELECT count(*) FROM simulation_jobs
                        WHERE job_id IN (SELECT unnest(?::VARCHAR[])) AND status IN ('COMPLETED', 'ANOMALY_FLAGGED', 'BLOCKED')""")
                .param("[" + String.join(",", ids) + "]").query(Long.class).single() == ids.size());
    }

    private long evaluated(List<String> ids) {
        return jdbc.sql("SELECT count(*) FROM job_evaluations WHERE job_id IN (SELECT unnest(?::VARCHAR[]))")
                .param("[" + String.join(",", ids) + "]").query(Long.class).single();
    }

    private List<String> alerts() {
        return alertStream.read(redis);
    }

    private static String status(JsonNode view, String version) {
        for (JsonNode m : view.get("models")) {
            if (m.get("version").asString().equals(version)) {
                return m.get("status").asString();
            }
        }
        throw new AssertionError(version + " not in " + view);
    }

    private JsonNode body(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }
}
