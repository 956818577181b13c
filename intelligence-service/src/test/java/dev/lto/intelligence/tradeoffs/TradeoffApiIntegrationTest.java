package dev.lto.intelligence.tradeoffs;

import dev.lto.engine.models.FakePhysics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
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
        "lto.models.physics-lite.interactive-concurrency=1"})
class TradeoffApiIntegrationTest {

    static final FakePhysics FAKE = new FakePhysics();

    @TestConfiguration
    static class FakeAdapter {
        @Bean
        SimulatorInterface fakeSimulator() {
            return FAKE;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-tradeoff-test")::toString);
    }

    @LocalServerPort
    int port;

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
}
