package dev.lto.intelligence.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.SignalEstimate;
import dev.lto.engine.models.FakePhysics;
import dev.lto.engine.models.TestData;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.intelligence.preflight.PredictionStore;
import dev.lto.intelligence.preflight.PreflightDecision;
import dev.lto.intelligence.preflight.PreflightGate;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
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
 * The shadow phase in the running service (DuckDB, Redis, the real preflight gate and prediction store):
 * a candidate that passed its offline gates predicts beside production on every preflight, stored as
 * {@code prediction_type = 'shadow'} and never changing a decision; scored against actual signals; after
 * {@code min-jobs} (20 here) evaluated jobs it is promoted when its live accuracy agrees with its offline
 * accuracy, else extended once and then discarded, announced on {@code lto.alerts}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.models.bootstrap.enabled=true",
        "lto.models.bootstrap.samples=300",
        "lto.models.campaign.adapter=fake",
        "lto.models.xgboost.trees=30",
        "lto.models.mlp.max-epochs=20",
        "lto.models.mlp.patience=5",
        "lto.models.mlp.mc-passes=10",
        "lto.models.gp.subset=100",
        "lto.models.shadow.min-jobs=20",
        "lto.models.shadow.sync-interval=1h", // the test syncs itself
        "lto.models.retrain.cron=-",
        "lto.drift.interval=1h"})
class ShadowTrialIntegrationTest {

    private static final int MIN_JOBS = 20;

    @TestConfiguration
    static class Fakes {
        @Bean
        SimulatorInterface fakeSimulator() {
            return new FakePhysics();
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-shadow-test")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    ModelService models;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ShadowTrial trial;
    @Autowired
    PreflightGate gate;
    @Autowired
    PredictionStore predictions;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StringRedisTemplate redis;
    /** This test's alerts only (the shared test Redis holds other tests' too). */
    private final dev.lto.intelligence.AlertStream alertStream = dev.lto.intelligence.AlertStream.markNow();
    @Autowired
    @Qualifier("fakeSimulator")
    SimulatorInterface fake;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();
    private final SplittableRandom random = new SplittableRandom(7);
    private int jobs;

    @Test
    void aShadowPredictsBesideEveryPreflightAndIsPromotedWhenItAgreesElseExtendedThenDiscarded() throws Exception {
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2))
                .until(() -> "READY".equals(models.status().status().name()) && "v1".equals(models.currentVersion()));
        TradeoffEngine engine = models.engine();

        // v2 passes every offline gate and stays shadow (what a retrain run leaves); the sync loads it beside v1.
        TradeoffEngine.Registered v2 = engine.trainAndRegister(ModelPromotionTest.passingCampaign());
        assertThat(v2.metrics().allGatesPassed()).as("precondition: %s", v2.metrics().gates()).isTrue();
        assertThat(registry.find(v2.version()).orElseThrow().status()).isEqualTo("shadow");
        trial.sync();
        assertThat(engine.shadowVersion()).hasValue(v2.version());
        assertThat(models.currentVersion()).isEqualTo("v1");

        // The same jobs decided with and without the shadow: the same decisions; only the shadow's answer rides along.
        for (int i = 0; i < 30; i++) {
            JobParameters job = TestData.randomJob(random, "same_" + i);
            PreflightDecision with = gate.decide(job, fake, true).orElseThrow();
            engine.dropShadow();
            PreflightDecision without = gate.decide(job, fake, true).orElseThrow();
            trial.sync();
            assertThat(with.prediction().modelVersion()).isEqualTo("v1");
            assertThat(with.prediction().predictions()).isEqualTo(without.prediction().predictions());
            assertThat(with.prediction().uncertainty()).isEqualTo(without.prediction().uncertainty());
            assertThat(with.prediction().constraints()).isEqualTo(without.prediction().constraints());
            assertThat(with.blocked()).isEqualTo(without.blocked());
            assertThat(with.blockingViolations()).isEqualTo(without.blockingViolations());
            assertThat(with.unconfirmedViolations()).isEqualTo(without.unconfirmedViolations());
            assertThat(with.shadow().modelVersion()).isEqualTo(v2.version());
            assertThat(without.shadow()).isNull();
        }

        overhead(engine, v2.version());

        // Stored: a preflight row by v1 and a shadow row by v2 per job; judged only once 20 are evaluated.
        for (int i = 0; i < MIN_JOBS - 1; i++) {
            preflightAndEvaluate(x -> x); // actual = the shadow's score: every pair accurate
        }
        String last = "job_shadow_" + (jobs - 1);
        assertThat(jdbc.sql("SELECT prediction_type || ' ' || model_version FROM tradeoff_predictions WHERE job_id = ? ORDER BY 1")
                .param(last).query(String.class).list()).containsExactly("preflight v1", "shadow " + v2.version());
        assertThat(trial.judge()).isEmpty();
        JsonNode shadow = body(http.get("/api/v1/models")).get("shadow");
        assertThat(shadow.get("version").asString()).isEqualTo(v2.version());
        assertThat(shadow.get("jobs_evaluated").asInt()).isEqualTo(MIN_JOBS - 1);
        assertThat(shadow.get("jobs_needed").asInt()).isEqualTo(MIN_JOBS);
        assertThat(shadow.get("live_accuracy").asDouble()).isEqualTo(1.0);
        assertThat(shadow.get("offline_accuracy").asDouble()).isEqualTo(v2.metrics().accuracy());

        // Agrees (offline accuracy inside the live 99% Wilson interval): promoted through the lifecycle, shadow released.
        preflightAndEvaluate(x -> x);
        assertThat(trial.judge()).hasValue(ShadowTrial.Outcome.PROMOTED);
        assertThat(models.currentVersion()).isEqualTo(v2.version());
        assertThat(registry.find(v2.version()).orElseThrow().status()).isEqualTo("production");
        assertThat(engine.shadowVersion()).isEmpty();
        ModelRegistry.Deployment promoted = registry.deployments().getLast();
        assertThat(promoted.event()).isEqualTo("production");
        assertThat(promoted.actor()).isEqualTo(ShadowTrial.ACTOR);
        assertThat(promoted.reason()).contains("shadow evaluation passed", "live accuracy 1.0000 over 20 evaluated jobs",
                "contains its offline TEST-split accuracy");
        assertThat(body(http.get("/api/v1/models")).has("shadow")).isFalse();

        // v3: a candidate whose live answers miss by 0.2 everywhere: extended once at 20 jobs, discarded at 40.
        TradeoffEngine.Registered v3 = engine.trainAndRegister(ModelPromotionTest.passingCampaign());
        assertThat(v3.metrics().allGatesPassed()).isTrue();
        trial.sync();
        assertThat(engine.shadowVersion()).hasValue(v3.version());
        DoubleUnaryOperator miss = x -> x > 0.5 ? x - 0.2 : x + 0.2;
        for (int i = 0; i < MIN_JOBS; i++) {
            preflightAndEvaluate(miss);
        }
        assertThat(trial.judge()).hasValue(ShadowTrial.Outcome.EXTENDED);
        assertThat(registry.find(v3.version()).orElseThrow().status()).isEqualTo("shadow");
        assertThat(engine.shadowVersion()).hasValue(v3.version());
        assertThat(trial.judge()).as("not judged again before the extension's jobs").isEmpty();
        shadow = body(http.get("/api/v1/models")).get("shadow");
        assertThat(shadow.get("jobs_needed").asInt()).isEqualTo(2 * MIN_JOBS);
        assertThat(shadow.get("extended").asBoolean()).isTrue();
        assertThat(shadow.get("live_accuracy").asDouble()).isEqualTo(0.0);
        for (int i = 0; i < MIN_JOBS; i++) {
            preflightAndEvaluate(miss);
        }
        assertThat(trial.judge()).hasValue(ShadowTrial.Outcome.DISCARDED);
        assertThat(registry.find(v3.version()).orElseThrow().status()).isEqualTo("discarded");
        assertThat(engine.shadowVersion()).isEmpty();
        assertThat(models.currentVersion()).isEqualTo(v2.version());
        ModelRegistry.Deployment discarded = registry.deployments().getLast();
        assertThat(discarded.event()).isEqualTo("discarded");
        assertThat(discarded.actor()).isEqualTo(ShadowTrial.ACTOR);
        assertThat(discarded.reason()).contains("failed after its extension", "live accuracy 0.0000 over 40 evaluated jobs",
                "excludes its offline TEST-split accuracy");
        List<String> alerts = alertStream.read(redis);
        assertThat(alerts).anyMatch(a -> a.contains("model_lifecycle") && a.contains("INFO")
                && a.contains("Shadow " + v3.version() + " extended by 20 jobs"));
        assertThat(alerts).anyMatch(a -> a.contains("model_lifecycle") && a.contains("INFO")
                && a.contains("Shadow " + v3.version() + " discarded"));
        assertThat(alerts).anyMatch(a -> a.contains("promoted to production by " + ShadowTrial.ACTOR));
        trial.sync(); // a discarded candidate is not loaded again
        assertThat(engine.shadowVersion()).isEmpty();
    }

    /**
     * The shadow's cost on a preflight (docs/ml.md §13): gate.decide on the same 300 jobs, alternately without and
     * with the shadow loaded, after a warm-up; prints median and p99 (measured, not asserted: this machine is shared).
     */
    private void overhead(TradeoffEngine engine, String shadowVersion) {
        List<JobParameters> sample = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sample.add(TestData.randomJob(random, "bench_" + i));
        }
        long[][] ns = new long[2][sample.size()];
        for (int round = -1; round < 1; round++) { // round -1: warm-up of both
            for (int shadowOn = 0; shadowOn < 2; shadowOn++) {
                if (shadowOn == 1) {
                    engine.loadShadow(shadowVersion);
                } else {
                    engine.dropShadow();
                }
                for (int i = 0; i < sample.size(); i++) {
                    long t0 = System.nanoTime();
                    gate.decide(sample.get(i), fake, true).orElseThrow();
                    if (round >= 0) {
                        ns[shadowOn][i] = System.nanoTime() - t0;
                    }
                }
            }
        }
        for (int on = 0; on < 2; on++) {
            long[] t = ns[on].clone();
            java.util.Arrays.sort(t);
            System.out.printf(java.util.Locale.ROOT, "shadow overhead: preflight %s shadow: median %.3f ms, p99 %.3f ms over %d jobs%n",
                    on == 1 ? "with" : "without", t[t.length / 2] / 1e6, t[(int) Math.ceil(0.99 * t.length) - 1] / 1e6, t.length);
        }
        assertThat(engine.shadowVersion()).hasValue(shadowVersion);
    }

    /** One job through the real gate and store, then scored against "actual" signals made from the shadow's scores. */
    private void preflightAndEvaluate(DoubleUnaryOperator actualOfShadowScore) {
        String id = "job_shadow_" + (jobs++);
        PreflightDecision d = gate.decide(TestData.randomJob(random, id), fake, true).orElseThrow();
        predictions.store(id, d);
        PreflightDecision.ShadowPrediction sh = predictions.findShadow(id).orElseThrow();
        SignalEstimate[] p = sh.predictions().toArray();
        double[] actual = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            actual[i] = actualOfShadowScore.applyAsDouble(p[i].score());
        }
        predictions.evaluateShadow(id, actual);
        predictions.evaluateShadow(id, new double[p.length]); // a second scoring of the same job changes nothing
        assertThat(Optional.of(sh.modelVersion())).isEqualTo(trial.progress().map(ShadowTrial.Progress::version));
    }

    private JsonNode body(java.net.http.HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }
}
