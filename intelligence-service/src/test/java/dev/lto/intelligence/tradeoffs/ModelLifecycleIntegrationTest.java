package dev.lto.intelligence.tradeoffs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lto.engine.models.FakePhysics;
import dev.lto.engine.models.TestData;
import dev.lto.engine.registry.ModelRegistry;
import dev.lto.intelligence.models.ModelService;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestHttp;
import dev.lto.testsupport.TestKeys;
import dev.lto.testsupport.TestRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry API in the running service (DuckDB, Redis): {@code GET /api/v1/models}, a promote of a
 * version that failed its gates (409 naming them), a rollback without a candidate (409), a rollback
 * with one (200, audited with the admin key's owner, announced on {@code lto.alerts}), and the roles.
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
        "lto.drift.interval=1h"})
class ModelLifecycleIntegrationTest {

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
        registry.add("lto.data-dir", Files.createTempDirectory("lto-lifecycle-test")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    ModelService models;
    @Autowired
    ModelRegistry registry;
    @Autowired
    StringRedisTemplate redis;
    /** This test's alerts only (the shared test Redis holds other tests' too). */
    private final dev.lto.intelligence.AlertStream alertStream = dev.lto.intelligence.AlertStream.markNow();

    private final TestHttp http = TestHttp.localhost(() -> port);
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void registryPromoteAndRollbackThroughTheApi() throws Exception {
        await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2))
                .until(() -> "READY".equals(models.status().status().name()) && models.currentVersion().startsWith("v"));
        assertThat(models.currentVersion()).isEqualTo("v1");

        JsonNode view = body(http.get("/api/v1/models"), 200);
        assertThat(view.get("production").asString()).isEqualTo("v1");
        assertThat(view.get("rollback_window_days").asLong()).isEqualTo(30);
        assertThat(view.get("models")).hasSize(1);
        JsonNode v1 = view.get("models").get(0);
        assertThat(v1.get("status").asString()).isEqualTo("production");
        assertThat(v1.get("failed_gates").toString()).contains("held_out_jobs"); // 300 bootstrap jobs: too few held out
        assertThat(v1.get("artifact_path").asString()).endsWith("v1");
        assertThat(view.get("deployments").toString()).contains("\"event\":\"production\"", "\"actor\":\"system\"");

        // No model ever retired: no rollback candidate.
        HttpResponse<String> none = http.post("/api/v1/models/rollback", "{\"reason\":\"panic\"}");
        assertThat(none.statusCode()).isEqualTo(409);
        assertThat(none.body()).contains("no rollback candidate", "\"rollback_window_days\":30");
        // The reason is required: the audit says why.
        assertThat(http.post("/api/v1/models/rollback", "{}").statusCode()).isEqualTo(400);
        assertThat(http.post("/api/v1/models/rollback", "{\"reason\":null}").body()).contains("reason");

        // A second version (300 jobs: fails the held-out gate too); whichever does not serve cannot be promoted.
        models.engine().trainRegisterPromote(TestData.samples(300, 43), "test");
        String idle = registry.all().stream().filter(e -> !"production".equals(e.status())).findFirst().orElseThrow().version();
        HttpResponse<String> refused = http.post("/api/v1/models/" + idle + "/promote", "{\"reason\":\"looks fine\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(body(refused, 409).get("failed_gates").toString()).contains("held_out_jobs");
        assertThat(refused.body()).contains(idle + " failed its gates");
        assertThat(http.post("/api/v1/models/v77/promote", "{\"reason\":\"x\"}").statusCode()).isEqualTo(404);

        // v2 serves (set up through the engine, gates aside): v1 is the rollback candidate; an admin rolls back.
        if (!"v2".equals(models.currentVersion())) {
            models.engine().promote("v2", "production", "test set-up", "test");
        }
        assertThat(body(http.get("/api/v1/models"), 200).get("rollback_candidate").get("version").asString()).isEqualTo("v1");
        HttpResponse<String> back = http.post("/api/v1/models/rollback", "{\"reason\":\"v2 drifts on the new resist\"}");
        assertThat(body(back, 200).get("version").asString()).isEqualTo("v1");
        assertThat(models.currentVersion()).isEqualTo("v1");
        ModelRegistry.Deployment last = registry.deployments().getLast();
        assertThat(last.event()).isEqualTo("rollback");
        assertThat(last.actor()).isEqualTo(TestKeys.ownerOf("admin"));
        assertThat(last.reason()).isEqualTo("v2 drifts on the new resist");
        assertThat(last.occurredAt()).isNotNull();
        List<String> alerts = alertStream.read(redis);
        assertThat(alerts).anyMatch(a -> a.contains("model_lifecycle") && a.contains("INFO")
                && a.contains("rolled back to v1 by " + TestKeys.ownerOf("admin")));

        // A retrain run: 202 with its id and Location, a second one while it runs is a 409 naming it, its progress is
        // readable, and the candidate (300 bootstrap jobs again: too few held out) ends discarded with its reasons.
        HttpResponse<String> accepted = http.post("/api/v1/models/retrain", "{\"reason\":\"weekly check\"}");
        JsonNode run = body(accepted, 202);
        String runId = run.get("run_id").asString();
        assertThat(run.get("state").asString()).isEqualTo("RUNNING");
        assertThat(run.get("requested_by").asString()).isEqualTo(TestKeys.ownerOf("admin"));
        assertThat(accepted.headers().firstValue("Location")).hasValue("/api/v1/models/retrain/" + runId);
        HttpResponse<String> busy = http.post("/api/v1/models/retrain", "{\"reason\":\"again\"}");
        assertThat(body(busy, 409).get("running_id").asString()).isEqualTo(runId);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> !body(http.get("/api/v1/models/retrain/" + runId), 200).get("state").asString().equals("RUNNING"));
        JsonNode finished = body(http.get("/api/v1/models/retrain/" + runId), 200);
        assertThat(finished.get("state").asString()).as(finished.toString()).isEqualTo("DISCARDED");
        assertThat(finished.get("reasons").toString()).contains("held_out_jobs");
        assertThat(finished.get("provenance").get("campaigns").toString()).contains("bootstrap_");
        assertThat(http.get("/api/v1/models/retrain/retrain_0_nope").statusCode()).isEqualTo(404);
        assertThat(alertStream.read(redis))
                .anyMatch(a -> a.contains("model_lifecycle") && a.contains("discarded"));

        // Admin only: a viewer cannot read the registry's audit, an engineer cannot roll back.
        assertThat(http.withKey(TestKeys.VIEWER).get("/api/v1/models").statusCode()).isEqualTo(403);
        assertThat(http.withKey(TestKeys.ENGINEER).post("/api/v1/models/rollback", "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(http.withKey(TestKeys.VIEWER).get("/api/v1/models/current").statusCode()).isEqualTo(200);
        assertThat(http.withKey(TestKeys.ENGINEER).post("/api/v1/models/retrain", "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
        assertThat(http.withKey(TestKeys.VIEWER).get("/api/v1/models/retrain/" + runId).statusCode()).isEqualTo(403);
    }

    private JsonNode body(HttpResponse<String> r, int status) {
        if (r == null) {
            throw new IllegalStateException("no response");
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return json.readTree(r.body());
    }
}
