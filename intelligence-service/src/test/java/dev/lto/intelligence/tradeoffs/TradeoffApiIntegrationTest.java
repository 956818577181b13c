package dev.lto.intelligence.tradeoffs;

import dev.lto.engine.models.FakePhysics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.intelligence.audit.AuditOnlyAdapter;
import dev.lto.intelligence.audit.SurrogateAuditor;
import dev.lto.intelligence.performance.LivePerformanceStore;
import dev.lto.simulator.spi.SurrogateAudit;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole path in the running service: start without a model, bootstrap in the background from
 * a campaign on a (fake, instant) simulator adapter behind the SPI, train, register, promote, then
 * answer predict / batch / models endpoints.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "lto.models.bootstrap.enabled=true",
        "lto.models.bootstrap.samples=200",
        "lto.models.campaign.adapter=fake",
        "lto.models.xgboost.trees=60",
        "lto.models.mlp.max-epochs=60",
        "lto.models.mlp.patience=10",
        "lto.models.mlp.mc-passes=30",
        "lto.models.gp.subset=100",
        "lto.models.physics-lite.interactive-concurrency=1",
        // The live-performance refresh (the monitoring round) runs once at start: the test refreshes itself.
        "lto.pipeline.monitoring-interval=1h"})
class TradeoffApiIntegrationTest {

    static final FakePhysics FAKE = new FakePhysics();

    @TestConfiguration
    static class FakeAdapter {
        @Bean
        SimulatorInterface fakeSimulator() {
            return FAKE;
        }

        /** Audits every surrogate job at 5% image error (above the 1.5% threshold): its class drifts. */
        @Bean
        SimulatorInterface driftingAudits() {
            return new AuditOnlyAdapter(DRIFTING, p -> Optional.of(new SurrogateAudit(0.05, 0.002, 0.01, 0.02, 64, "fake-1")));
        }
    }

    static final String DRIFTING = "drifting-audits";

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-tradeoff-test")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    SurrogateAuditor auditor;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    LivePerformanceStore store;

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void bootstrapsAModelAndAnswersTheSeedShape() throws Exception {
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json.readTree(http.get("/api/v1/models/current").body()).path("status").asString().equals("READY"));
        JsonNode current = json.readTree(http.get("/api/v1/models/current").body());
        assertThat(current.path("model_version").asString()).isEqualTo("v1");
        assertThat(current.path("registry").path("status").asString()).isEqualTo("production");
        assertThat(current.path("artifact").path("sha256").size()).isGreaterThanOrEqualTo(10);

        HttpResponse<String> r = http.post("/api/v1/tradeoffs/predict", "{\"na\": 0.33, \"dose_mj_cm2\": 15.2, \"wavelength_nm\": 13.5}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode p = json.readTree(r.body());
        assertThat(p.path("job_id").asString()).startsWith("pred_");
        assertThat(p.path("parameters").path("sigma").asDouble()).isEqualTo(0.8); // contract default filled in
        for (String s : TradeoffSignals.NAMES) {
            JsonNode e = p.path("predictions").path(s);
            assertThat(e.path("ci_low").asDouble()).isLessThanOrEqualTo(e.path("score").asDouble());
            assertThat(e.path("ci_high").asDouble()).isGreaterThanOrEqualTo(e.path("score").asDouble());
        }
        assertThat(p.path("uncertainty").path("confidence_level").asString()).isIn("HIGH", "MEDIUM", "LOW");
        assertThat(p.path("uncertainty").has("recommend_physics_simulation")).isTrue();
        assertThat(p.path("constraints").path("profile").asString()).isEqualTo("default");
        assertThat(p.has("feature_importance")).isFalse();
        assertThat(p.path("model_version").asString()).isEqualTo("v1");
        assertThat(p.path("inference_time_ms").asDouble()).isPositive();

        // Low dose: the fake's yield risk is high, so the default profile's CRITICAL limit must fire.
        JsonNode risky = json.readTree(http.post("/api/v1/tradeoffs/predict?explain=true",
                "{\"na\": 0.33, \"dose_mj_cm2\": 1.1, \"constraint_profile\": \"strict\"}").body());
        assertThat(risky.path("constraints").path("all_satisfied").asBoolean()).isFalse();
        assertThat(risky.path("constraints").path("violations").findValuesAsString("signal")).contains("yield_risk");
        assertThat(risky.path("feature_importance").size()).isGreaterThan(5);

        JsonNode batch = json.readTree(http.post("/api/v1/tradeoffs/predict/batch",
                "{\"jobs\": [{\"na\": 0.3, \"dose_mj_cm2\": 30}, {\"na\": 0.5, \"dose_mj_cm2\": 60, \"constraint_profile\": \"exploratory\"}]}").body());
        assertThat(batch.path("count").asInt()).isEqualTo(2);
        assertThat(batch.path("predictions").get(1).path("constraints").path("profile").asString()).isEqualTo("exploratory");

        // A forced-physics rule on a class (docs/ml.md §14) shows in the predict answers as in the preflight: physics
        // recommended, the rule in the reasons; surrogate jobs of other classes are not affected.
        String annular7 = "{\"na\": 0.33, \"dose_mj_cm2\": 30, \"job_class\": 7, \"metadata\": {\"illumination\": \"annular\"}}";
        String other = "{\"na\": 0.33, \"dose_mj_cm2\": 30, \"job_class\": 3}";
        assertThat(json.readTree(http.post("/api/v1/tradeoffs/predict", annular7).body()).path("physics_reasons").toString())
                .doesNotContain("surrogate drift");
        String drifting = json.writeValueAsString(new JobParameters(null, 0.33, 13.5, 30.0, 0.8, 30.0, 2.0,
                PatternComplexity.MODERATE, true, 7, null, null, null, Map.of("illumination", "annular")));
        for (int i = 0; i < 5; i++) { // lto.surrogate-audit.min-audits audits of the class: its trend decides
            jdbc.sql("INSERT INTO surrogate_audit_queue (job_id, audit_class, adapter_type, parameters, reason, queued_at)"
                    + " VALUES (?, '7/annular', ?, ?, 'test', now())").params("job_drift_" + i, DRIFTING, drifting).update();
        }
        auditor.drain();
        assertThat(auditor.report().activeRules()).extracting(SurrogateAuditor.RuleView::auditClass).containsExactly("7/annular");
        JsonNode forced = json.readTree(http.post("/api/v1/tradeoffs/predict", annular7).body());
        assertThat(forced.path("uncertainty").path("recommend_physics_simulation").asBoolean()).isTrue();
        assertThat(forced.path("uncertainty").path("confidence_level").asString()).isEqualTo("LOW");
        assertThat(forced.path("physics_reasons").toString()).contains("surrogate drift on job class 7 (annular illumination)");
        JsonNode forcedBatch = json.readTree(http.post("/api/v1/tradeoffs/predict/batch",
                "{\"jobs\": [" + other + ", " + annular7 + "]}").body());
        assertThat(forcedBatch.path("predictions").get(0).path("physics_reasons").toString()).doesNotContain("surrogate drift");
        assertThat(forcedBatch.path("predictions").get(1).path("uncertainty").path("recommend_physics_simulation").asBoolean()).isTrue();
        assertThat(forcedBatch.path("predictions").get(1).path("physics_reasons").toString()).contains("surrogate drift on job class 7");

        HttpResponse<String> bad = http.post("/api/v1/tradeoffs/predict", "{\"na\": 0.9, \"constraint_profile\": \"nope\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).path("errors").findValuesAsString("field")).contains("na", "dose_mj_cm2");
        HttpResponse<String> badProfile = http.post("/api/v1/tradeoffs/predict", "{\"na\": 0.3, \"dose_mj_cm2\": 30, \"constraint_profile\": \"nope\"}");
        assertThat(badProfile.statusCode()).isEqualTo(400);
        HttpResponse<String> badBatch = http.post("/api/v1/tradeoffs/predict/batch", "{\"jobs\": [{\"na\": 0.3, \"dose_mj_cm2\": 30}, {\"na\": \"x\"}]}");
        assertThat(badBatch.statusCode()).isEqualTo(400);
        assertThat(badBatch.body()).contains("jobs[1].na");

        JsonNode perf = json.readTree(http.get("/api/v1/models/performance").body());
        assertThat(perf.path("metrics").path("jobs").asInt()).isPositive();
        // The promotion gates of a cascade with physics-lite (the fake has it): ML.md's five plus the physics share.
        assertThat(perf.path("metrics").path("gates").findValuesAsString("name")).containsExactly("accuracy", "critical_accuracy",
                "coverage_95", "missed_critical", "physics_recommended", "held_out_jobs");

        // GET performance is a read: it writes nothing, yet today's row already counts jobs evaluated since the last
        // refresh. Two v1 jobs evaluated now: one accurate and inside (error 0.01, ±0.02), one off by 0.10 (±0.05).
        evaluated("job_perf_a", 0.01, 0.02);
        evaluated("job_perf_b", 0.10, 0.05);
        String before = dailyChecksum();
        JsonNode first = json.readTree(http.get("/api/v1/models/performance").body()).path("live").path("daily");
        JsonNode second = json.readTree(http.get("/api/v1/models/performance").body()).path("live").path("daily");
        assertThat(dailyChecksum()).as("GET must not write").isEqualTo(before);
        assertThat(second).isEqualTo(first);
        JsonNode today = first.get(first.size() - 1);
        assertThat(today.path("day").asString()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        assertThat(today.path("jobs").asInt()).isEqualTo(2);
        assertThat(today.path("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(today.path("coverage").asDouble()).isEqualTo(0.5);
        assertThat(today.path("per_signal").size()).isEqualTo(6);
        // The monitoring round stores the same rows; the answer stays as it was.
        assertThat(store.refresh()).isEqualTo(7);
        assertThat(dailyChecksum()).isNotEqualTo(before);
        assertThat(json.readTree(http.get("/api/v1/models/performance").body()).path("live").path("daily")).isEqualTo(first);
    }

    /**
     * Interactive predictions (docs/ml.md §11): a parameter set physics-lite has estimated is answered from
     * memory (another job id, priority or profile included); while the one interactive slot is busy, a
     * new parameter set gets the first stage's own answer at once, said so in {@code physics_lite_skipped}.
     */
    @Test
    void interactivePredictionsRememberPhysicsLiteAndAnswerFromTheFirstStageWhileItIsBusy() throws Exception {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json.readTree(http.get("/api/v1/models/current").body()).path("status").asString().equals("READY"));
        // Dose in the fake's cliff band: the first stage is never trusted there, so the cascade asks physics-lite.
        String body = "{\"na\": 0.41, \"dose_mj_cm2\": 1.83, \"wavelength_nm\": 193.0, \"sigma\": 0.61}";
        int before = FAKE.liteCalls.get();
        JsonNode first = json.readTree(http.post("/api/v1/tradeoffs/predict", body).body());
        assertThat(first.path("answered_by").asString()).isEqualTo("physics_lite");
        assertThat(FAKE.liteCalls.get()).isEqualTo(before + 1);
        JsonNode again = json.readTree(http.post("/api/v1/tradeoffs/predict",
                body.replace("}", ", \"priority\": \"HIGH\", \"constraint_profile\": \"strict\"}")).body());
        assertThat(FAKE.liteCalls.get()).as("remembered: no second physics-lite run").isEqualTo(before + 1);
        assertThat(again.path("answered_by").asString()).isEqualTo("physics_lite");
        assertThat(again.path("predictions")).isEqualTo(first.path("predictions"));
        assertThat(again.has("physics_lite_skipped")).isFalse();

        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        FAKE.liteGate = gate;
        try {
            var holder = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return http.post("/api/v1/tradeoffs/predict", "{\"na\": 0.42, \"dose_mj_cm2\": 1.9, \"wavelength_nm\": 193.0}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> FAKE.liteCalls.get() == before + 2);
            HttpResponse<String> busy = http.post("/api/v1/tradeoffs/predict", "{\"na\": 0.43, \"dose_mj_cm2\": 1.7, \"wavelength_nm\": 193.0}");
            assertThat(busy.statusCode()).isEqualTo(200);
            JsonNode b = json.readTree(busy.body());
            assertThat(b.path("answered_by").asString()).isEqualTo("first_stage");
            assertThat(b.path("physics_lite_skipped").asString()).startsWith("physics-lite busy");
            assertThat(FAKE.liteCalls.get()).as("the busy request ran no physics-lite").isEqualTo(before + 2);
            // A remembered parameter set still gets physics-lite's answer while the slot is busy.
            JsonNode remembered = json.readTree(http.post("/api/v1/tradeoffs/predict", body).body());
            assertThat(remembered.path("answered_by").asString()).isEqualTo("physics_lite");
            gate.countDown();
            assertThat(json.readTree(holder.get(30, java.util.concurrent.TimeUnit.SECONDS).body()).path("answered_by").asString())
                    .isEqualTo("physics_lite");
        } finally {
            FAKE.liteGate = null;
            gate.countDown();
        }
        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("lto_physics_lite_estimates_total\\{[^}]*outcome=\"busy\"[^}]*\\} [1-9]");
    }

    /** A stored evaluation of model v1 now: every signal predicted 0.5 + {@code off} ± {@code halfWidth}, actual 0.5 (not critical: yield_risk 0.1). */
    private void evaluated(String id, double off, double halfWidth) {
        StringBuilder signals = new StringBuilder();
        for (String s : TradeoffSignals.NAMES) {
            double actual = s.equals("yield_risk") ? 0.1 : 0.5;
            double p = actual + off;
            signals.append(signals.isEmpty() ? "" : ",").append(String.format(java.util.Locale.ROOT,
                    "{\"signal\": \"%s\", \"predicted\": %s, \"ci_low\": %s, \"ci_high\": %s, \"actual\": %s}", s, p,
                    p - halfWidth, p + halfWidth, actual));
        }
        jdbc.sql("INSERT INTO job_evaluations (job_id, evaluated_at, anomaly, signals_inside, evaluation) VALUES (?, ?, false, 0, ?)")
                .params(id, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC),
                        "{\"model_version\": \"v1\", \"signals\": [" + signals + "]}").update();
    }

    /** Every stored daily row, all columns, as one digest. */
    private String dailyChecksum() {
        return jdbc.sql("SELECT count(*) || ':' || coalesce(md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY day, model_version, signal)), '')"
                + " FROM model_live_performance_daily t").query(String.class).single();
    }
}
